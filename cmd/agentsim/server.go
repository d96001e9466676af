package main

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"strings"
	"time"
)

// version is what /server_info reports; legacy mode reports a 1.1 server.
const (
	version       = "1.44.0"
	legacyVersion = "1.1.0"
)

type server struct {
	cfg     config
	started time.Time
	mux     *http.ServeMux
}

func newServer(cfg config, started time.Time) *server {
	s := &server{cfg: cfg, started: started, mux: http.NewServeMux()}
	s.mux.HandleFunc("GET /alive", s.alive)
	s.mux.HandleFunc("GET /health", s.health)
	s.mux.HandleFunc("GET /ready", s.ready)
	s.mux.HandleFunc("GET /server_info", s.serverInfo)
	s.mux.HandleFunc("GET /{$}", s.serverInfo)
	s.mux.Handle("/api/", s.requireKey(http.NotFoundHandler()))
	return s
}

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func (s *server) alive(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// health answers like the server version it plays: servers before 1.21
// return the bare JSON string "OK".
func (s *server) health(w http.ResponseWriter, _ *http.Request) {
	if s.cfg.legacy {
		writeJSON(w, http.StatusOK, "OK")
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	if s.cfg.legacy {
		// /ready arrived in v1.11.2.
		http.NotFound(w, r)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
}

func (s *server) serverInfo(w http.ResponseWriter, _ *http.Request) {
	up := time.Since(s.started).Seconds()
	info := map[string]any{
		"uptime": up, "idle_time": up, "title": "OpenHands Agent Server",
		"version": version, "docs": "/docs", "redoc": "/redoc",
	}
	if s.cfg.legacy {
		info["version"] = legacyVersion
	} else {
		info["sdk_version"] = version
	}
	writeJSON(w, http.StatusOK, info)
}

// requireKey checks X-Session-API-Key like the agent-server: any configured
// key is accepted, and with no keys configured auth is off.
func (s *server) requireKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if len(s.cfg.keys) > 0 && !keyMatches(s.cfg.keys, r.Header.Get("X-Session-API-Key")) {
			writeJSON(w, http.StatusUnauthorized, map[string]string{"detail": "Unauthorized"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func keyMatches(keys []string, got string) bool {
	got = strings.TrimSpace(got)
	ok := false
	for _, k := range keys {
		if subtle.ConstantTimeCompare([]byte(k), []byte(got)) == 1 {
			ok = true
		}
	}
	return ok
}

package runtimeapi

import (
	"crypto/subtle"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// serveRuntimeURL answers a request addressed to a runtime's own URL the
// way the hosted ingress does: 404 once the runtime is stopped, 503 while
// its pod is paused or not ready (OpenHands reads 503 as "paused"), the
// runtime's handler otherwise. It reports false for API requests.
func (s *Sim) serveRuntimeURL(w http.ResponseWriter, r *http.Request) bool {
	rt, service, prefix := s.runtimeFor(r)
	if rt == nil {
		return false
	}
	s.count(RouteRuntimeURL)
	s.mu.Lock()
	now := s.cfg.Now()
	code := rt.urlStatus
	switch {
	case code != 0:
	case rt.state == stateStopped:
		code = http.StatusNotFound
	case !rt.ready(now, &s.cfg):
		code = http.StatusServiceUnavailable
	}
	if code == 0 && rt.handler == nil {
		rt.handler = s.cfg.Runtime(rt.id, backend.NewSecret(rt.key))
	}
	h, key, id := rt.handler, rt.key, rt.id
	s.mu.Unlock()

	switch {
	case code != 0:
		writeJSON(w, code, detail{http.StatusText(code)})
	case service != "":
		serveService(w, r, id, service, key)
	default:
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(r.URL.Path, prefix)
		r2.URL.RawPath = ""
		if r2.URL.Path == "" {
			r2.URL.Path = "/"
		}
		h.ServeHTTP(w, r2)
	}
	return true
}

// serveService stands in for VSCode and the two worker ports. VSCode wants
// the session key as tkn=, like openvscode-server's connection token.
func serveService(w http.ResponseWriter, r *http.Request, runtimeID, service, key string) {
	if service == "vscode" && subtle.ConstantTimeCompare([]byte(r.URL.Query().Get("tkn")), []byte(key)) != 1 {
		http.Error(w, "Forbidden: missing or wrong connection token", http.StatusForbidden)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(w, "<!doctype html><title>%s of %s (simulated)</title>\n", service, runtimeID)
}

// DefaultRuntimeHandler is a minimal agent-server: /alive, /health and
// /ready answer, /server_info describes a simulated server, and /api/...
// answers 401 without the session key (404 with it: no conversations).
func DefaultRuntimeHandler(runtimeID string, sessionKey backend.Secret) http.Handler {
	started := time.Now()
	mux := http.NewServeMux()
	ok := func(status string) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"status": status})
		}
	}
	mux.HandleFunc("GET /alive", ok("ok"))
	mux.HandleFunc("GET /health", ok("ok"))
	mux.HandleFunc("GET /ready", ok("ready"))
	mux.HandleFunc("GET /server_info", func(w http.ResponseWriter, _ *http.Request) {
		up := time.Since(started).Seconds()
		writeJSON(w, http.StatusOK, map[string]any{
			"title": "OpenHands Agent Server (simulated " + runtimeID + ")", "version": "1.44.0",
			"sdk_version": "1.44.0", "uptime": up, "idle_time": up,
		})
	})
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		got := r.Header.Get("X-Session-API-Key")
		if subtle.ConstantTimeCompare([]byte(got), []byte(sessionKey.Reveal())) != 1 {
			writeJSON(w, http.StatusUnauthorized, detail{"Unauthorized"})
			return
		}
		writeJSON(w, http.StatusNotFound, detail{"Not Found"})
	})
	return mux
}

package runtimeapi

import (
	"crypto/subtle"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
)

// apiFunc answers an API request with a status and a JSON value.
type apiFunc func(r *http.Request) (int, any)

// encoded is an answer already in JSON, written as it is.
type encoded []byte

type detail struct {
	Detail string `json:"detail"`
}

func (s *Sim) routes() {
	s.mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) {
		s.count(RouteHealth)
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.handle(RouteStart, s.start)
	s.handle(RouteStop, s.stop)
	s.handle(RoutePause, s.pause)
	s.handle(RouteResume, s.resume)
	s.handle(RouteSession, s.session)
	s.handle(RouteBatch, s.batch)
	s.handle("GET /runtime/{runtime_id}", s.runtimeByID)
	s.handle(RouteList, s.list)
	s.handle(RouteRegistryPrefix, func(*http.Request) (int, any) {
		return http.StatusOK, map[string]string{"registry_prefix": s.cfg.RegistryPrefix}
	})
	s.handle(RouteImageExists, s.imageExists)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) {
		s.count(RouteOther)
		writeJSON(w, http.StatusNotFound, detail{"Not Found"})
	})
}

// handle registers an API route behind counting, auth and fault injection.
func (s *Sim) handle(pattern string, h apiFunc) {
	route := pattern
	if pattern == "GET /runtime/{runtime_id}" {
		route = RouteRuntime
	}
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.count(route)
		if !s.authorized(r) {
			writeJSON(w, http.StatusUnauthorized, detail{"Invalid API Key"})
			return
		}
		f, wait := s.drawFault(route)
		if wait > 0 {
			w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
			writeJSON(w, http.StatusTooManyRequests, detail{"Rate limit exceeded"})
			return
		}
		if !s.delay(r, f) {
			return
		}
		if f.reset {
			reset(w)
			return
		}
		if f.status != 0 {
			writeJSON(w, f.status, detail{"injected failure"})
			return
		}
		status, v := h(r)
		body, ok := v.(encoded)
		if !ok {
			var err error
			if body, err = json.Marshal(v); err != nil {
				status, body = http.StatusInternalServerError, []byte(`{"detail":"encoding failed"}`)
			}
		}
		if f.malformed && status < 300 {
			body = body[:len(body)/2]
		}
		if f.short {
			shortBody(w, status, body)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

func (s *Sim) authorized(r *http.Request) bool {
	if s.cfg.APIKey == "" {
		return true
	}
	return subtle.ConstantTimeCompare([]byte(r.Header.Get("X-API-Key")), []byte(s.cfg.APIKey)) == 1
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func decodeBody(r *http.Request, v any) (int, any, bool) {
	if err := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 1<<20)).Decode(v); err != nil {
		return http.StatusUnprocessableEntity, detail{"invalid body: " + err.Error()}, false
	}
	return 0, nil, true
}

func (s *Sim) start(r *http.Request) (int, any) {
	var req StartRequest
	if st, v, ok := decodeBody(r, &req); !ok {
		return st, v
	}
	switch {
	case req.Image == "":
		return http.StatusBadRequest, detail{"image is required"}
	case req.SessionID == "":
		return http.StatusBadRequest, detail{"session_id is required"}
	case req.ResourceFactor == 0:
		req.ResourceFactor = 1
	case !slices.Contains([]int{1, 2, 4, 8}, req.ResourceFactor):
		return http.StatusBadRequest, detail{"resource_factor must be 1, 2, 4 or 8"}
	}
	rt := s.startRuntime(req)
	s.mu.Lock()
	defer s.mu.Unlock()
	info := rt.info(s.cfg.Now(), &s.cfg, s.base(r))
	// /start answers without pod_status (PROTOCOL §5.2).
	info.PodStatus = ""
	return http.StatusOK, info
}

type runtimeRef struct {
	RuntimeID string `json:"runtime_id"`
}

// lifecycle handles /pause, /resume and /stop: 404 for an unknown runtime.
func (s *Sim) lifecycle(r *http.Request, op func(*runtime, time.Time)) (int, any) {
	var ref runtimeRef
	if st, v, ok := decodeBody(r, &ref); !ok {
		return st, v
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	rt := s.byID[ref.RuntimeID]
	if rt == nil || rt.forgotten(now, &s.cfg) {
		return http.StatusNotFound, detail{"Runtime not found"}
	}
	op(rt, now)
	return http.StatusOK, rt.info(now, &s.cfg, s.base(r))
}

func (s *Sim) stop(r *http.Request) (int, any) {
	return s.lifecycle(r, s.stopLocked)
}

func (s *Sim) pause(r *http.Request) (int, any) {
	return s.lifecycle(r, s.pauseLocked)
}

func (s *Sim) resume(r *http.Request) (int, any) {
	return s.lifecycle(r, s.resumeLocked)
}

func (s *Sim) session(r *http.Request) (int, any) {
	// The hosted API leaves session_id out of this answer (PROTOCOL §5.2).
	return s.answer(r, s.bySession, r.PathValue("id"), "Session", func(i *RuntimeInfo) { i.SessionID = "" })
}

func (s *Sim) runtimeByID(r *http.Request) (int, any) {
	return s.answer(r, s.byID, r.PathValue("runtime_id"), "Runtime", nil)
}

// answer renders the runtime m holds under key (edited by edit, if given),
// or a 404 that names what was looked for.
func (s *Sim) answer(r *http.Request, m map[string]*runtime, key, what string, edit func(*RuntimeInfo)) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	rt := m[key]
	if rt == nil || rt.forgotten(now, &s.cfg) {
		return http.StatusNotFound, detail{what + " not found"}
	}
	info := rt.info(now, &s.cfg, s.base(r))
	if edit != nil {
		edit(&info)
	}
	return http.StatusOK, info
}

// batch answers a bare JSON list with the known sessions among ids.
func (s *Sim) batch(r *http.Request) (int, any) {
	s.mu.Lock()
	noBatch := s.noBatch
	s.mu.Unlock()
	if noBatch {
		// An API without the route takes "batch" for a session id.
		r.SetPathValue("id", "batch")
		return s.session(r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	base := s.base(r)
	out := []RuntimeInfo{}
	for _, id := range r.URL.Query()["ids"] {
		if rt := s.bySession[id]; rt != nil && !rt.forgotten(now, &s.cfg) {
			out = append(out, rt.info(now, &s.cfg, base))
		}
	}
	return http.StatusOK, out
}

// list answers {"runtimes": [...], "total": N}. It is assembled from each
// runtime's cached encoding: at thousands of runtimes a fresh encode of
// every one would make the simulator, not the client, the cost measured.
func (s *Sim) list(r *http.Request) (int, any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	base := s.base(r)
	listed := make([]*runtime, 0, len(s.byID))
	for _, rt := range s.byID {
		if rt.listed(now, &s.cfg) {
			listed = append(listed, rt)
		}
	}
	slices.SortFunc(listed, func(a, b *runtime) int { return strings.Compare(a.id, b.id) })
	out := make([]byte, 0, 64+len(listed)*512)
	out = append(out, `{"runtimes":[`...)
	for i, rt := range listed {
		if i > 0 {
			out = append(out, ',')
		}
		out = append(out, rt.encode(now, &s.cfg, base)...)
	}
	out = append(out, `],"total":`...)
	out = strconv.AppendInt(out, int64(len(listed)), 10)
	return http.StatusOK, encoded(append(out, '}'))
}

type imageInfo struct {
	UploadTime     time.Time `json:"upload_time"`
	ImageSizeBytes int64     `json:"image_size_bytes"`
}

func (s *Sim) imageExists(r *http.Request) (int, any) {
	img := r.URL.Query().Get("image")
	if img == "" {
		return http.StatusBadRequest, detail{"image is required"}
	}
	s.mu.Lock()
	known := s.images[img]
	s.mu.Unlock()
	if !known {
		return http.StatusOK, map[string]any{"exists": false}
	}
	return http.StatusOK, map[string]any{"exists": true, "image": imageInfo{UploadTime: s.cfg.Now().UTC(), ImageSizeBytes: 1 << 30}}
}

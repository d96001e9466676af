package nestedv0

import (
	"net/http"
	"strconv"
	"time"

	"github.com/ohdash/ohdash/backend/sim/simctl"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

const maxBodyBytes = 8 << 20

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	api := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.requireKey(h)) }
	mux.HandleFunc("GET /alive", func(w http.ResponseWriter, _ *http.Request) {
		wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "status", V: "ok"}})
	})
	mux.HandleFunc("GET /health", func(w http.ResponseWriter, _ *http.Request) { wire.WriteJSON(w, http.StatusOK, "OK") })
	mux.HandleFunc("GET /server_info", s.serverInfo)
	api("GET /api/conversations", s.listConversations)
	api("GET /api/conversations/{id}", s.getConversation)
	api("DELETE /api/conversations/{id}", s.deleteConversation)
	api("PATCH /api/conversations/{id}", s.patchConversation)
	api("GET /api/conversations/{id}/events", s.searchEvents)
	api("POST /api/conversations/{id}/events", s.postEvent)
	api("POST /api/conversations/{id}/message", s.postMessage)
	api("POST /api/conversations/{id}/start", s.startConversation)
	api("POST /api/conversations/{id}/stop", s.stopConversation)
	s.controlRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, _ *http.Request) { wire.WriteStatusDetail(w, http.StatusNotFound) })
	return simctl.Faulty(s.faults, mux)
}

// requireKey compares X-Session-API-Key with SESSION_API_KEY, as
// openhands/server/dependencies.py does (only when the key is set).
func (s *Server) requireKey(next http.Handler) http.Handler {
	keys := wire.Keys{}
	if s.opts.Key != "" {
		keys = wire.Keys{s.opts.Key}
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if keys.Enabled() && !keys.Allows(r.Header.Get(wire.SessionKeyHeader)) {
			wire.WriteStatusDetail(w, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

func (s *Server) serverInfo(w http.ResponseWriter, _ *http.Request) {
	up := time.Since(s.started).Seconds()
	wire.WriteJSON(w, http.StatusOK, wire.Obj{
		{K: "uptime", V: up},
		{K: "idle_time", V: up},
		{K: "resources", V: wire.Obj{{K: "cpu_count", V: 2}, {K: "memory_total_mb", V: 4096}}},
	})
}

// hosts reports whether {id} is this server's conversation.
func (s *Server) hosts(r *http.Request) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return !s.deleted && r.PathValue("id") == s.id
}

// infoLocked is the V0 ConversationInfo dataclass.
func (s *Server) infoLocked() wire.Obj {
	var runtime, url any
	if s.status == StatusRunning || s.status == StatusStarting {
		url = "/api/conversations/" + s.id
		runtime = "STATUS$READY"
		if s.status == StatusStarting {
			runtime = "STATUS$STARTING_RUNTIME"
		}
	}
	return wire.Obj{
		{K: "conversation_id", V: s.id},
		{K: "title", V: s.title},
		{K: "last_updated_at", V: wire.UTCISO(s.updatedAt)},
		{K: "status", V: s.status},
		{K: "runtime_status", V: runtime},
		{K: "selected_repository", V: nil},
		{K: "selected_branch", V: nil},
		{K: "git_provider", V: nil},
		{K: "trigger", V: "gui"},
		{K: "num_connections", V: 0},
		{K: "url", V: url},
		{K: "session_api_key", V: nil},
		{K: "created_at", V: wire.UTCISO(s.createdAt)},
		{K: "pr_number", V: []any{}},
		{K: "conversation_version", V: "V0"},
		{K: "sub_conversation_ids", V: []any{}},
	}
}

func (s *Server) listConversations(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	results := []any{}
	if !s.deleted {
		results = append(results, s.infoLocked())
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "results", V: results}, {K: "next_page_id", V: nil}})
}

// getConversation answers null (200) for an unknown id: the route catches
// FileNotFoundError and returns None.
func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	if !s.hosts(r) {
		wire.WriteJSON(w, http.StatusOK, nil)
		return
	}
	s.mu.Lock()
	info := s.infoLocked()
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, info)
}

func notFound(w http.ResponseWriter, id string) {
	wire.WriteDetail(w, http.StatusNotFound, "Conversation "+id+" not found")
}

// searchEvents is GET …/events?start_id=&end_id=&reverse=&limit= →
// {"events": [...], "has_more": bool}; end_id is inclusive.
func (s *Server) searchEvents(w http.ResponseWriter, r *http.Request) {
	if !s.hosts(r) {
		notFound(w, r.PathValue("id"))
		return
	}
	q := r.URL.Query()
	startID, ok1 := intParam(w, q.Get("start_id"), "start_id", 0)
	limit, ok2 := intParam(w, q.Get("limit"), "limit", 20)
	if !ok1 || !ok2 {
		return
	}
	if limit < 0 || limit > 100 {
		wire.WriteDetail(w, http.StatusBadRequest, "Invalid limit")
		return
	}
	reverse := false
	if v := q.Get("reverse"); v != "" {
		reverse = v == "true" || v == "1" || v == "True"
	}
	s.mu.Lock()
	end := len(s.events) // exclusive
	if v := q.Get("end_id"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			s.mu.Unlock()
			wire.WriteValidation(w, wire.ValidationError("int_parsing", []any{"query", "end_id"}, "Input should be a valid integer", v))
			return
		}
		end = min(n+1, len(s.events))
	}
	var picked []any
	step, from, to := 1, startID, end
	if reverse {
		step, from, to = -1, end-1, startID-1
	}
	for i := from; i != to && len(picked) < limit+1; i += step {
		if i >= 0 && i < len(s.events) {
			picked = append(picked, wire.Raw(s.events[i].body))
		}
	}
	s.mu.Unlock()
	hasMore := len(picked) > limit
	if hasMore {
		picked = picked[:limit]
	}
	if picked == nil {
		picked = []any{}
	}
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "events", V: picked}, {K: "has_more", V: hasMore}})
}

func intParam(w http.ResponseWriter, raw, name string, def int) (int, bool) {
	if raw == "" {
		return def, true
	}
	n, err := strconv.Atoi(raw)
	if err != nil {
		wire.WriteValidation(w, wire.ValidationError("int_parsing", []any{"query", name}, "Input should be a valid integer", raw))
		return 0, false
	}
	return n, true
}

func readBody(w http.ResponseWriter, r *http.Request, v any) bool {
	return wire.ReadJSON(w, r, v, maxBodyBytes)
}

package agentserver

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend/sim/simctl"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	open := func(pattern string, h http.HandlerFunc) { mux.HandleFunc(pattern, h) }
	api := func(pattern string, h http.HandlerFunc) { mux.Handle(pattern, s.requireKey(h)) }
	v := s.version

	open("GET /{$}", s.serverInfo)
	open("GET /alive", s.alive)
	open("GET /health", s.health)
	open("GET /server_info", s.serverInfo)
	if v.AtLeast(tagReady) {
		open("GET /ready", s.ready)
	}

	api("GET /api/conversations/search", s.searchConversations)
	api("GET /api/conversations/count", s.countConversations)
	api("GET /api/conversations", s.batchGetConversations)
	api("POST /api/conversations", s.startConversation)
	api("GET /api/conversations/{id}", s.getConversation)
	api("PATCH /api/conversations/{id}", s.updateConversation)
	api("DELETE /api/conversations/{id}", s.deleteConversation)
	api("GET /api/conversations/{id}/agent_final_response", s.agentFinalResponse)
	api("POST /api/conversations/{id}/pause", s.pauseConversation)
	api("POST /api/conversations/{id}/run", s.runConversation)
	api("POST /api/conversations/{id}/confirmation_policy", s.setConfirmationPolicy)
	if v.AtLeast(tagInterrupt) {
		api("POST /api/conversations/{id}/interrupt", s.interruptConversation)
	}

	api("GET /api/conversations/{id}/events/search", s.searchEvents)
	api("GET /api/conversations/{id}/events/count", s.countEvents)
	api("GET /api/conversations/{id}/events/{event_id}", s.getEvent)
	api("GET /api/conversations/{id}/events", s.batchGetEvents)
	api("POST /api/conversations/{id}/events", s.sendMessageRoute)
	api("POST /api/conversations/{id}/events/respond_to_confirmation", s.respondToConfirmation)

	api("POST /api/bash/start_bash_command", s.startBashCommand)
	api("POST /api/bash/execute_bash_command", s.executeBashCommand)
	api("GET /api/bash/bash_events/search", s.searchBashEvents)
	api("GET /api/bash/bash_events/{event_id}", s.getBashEvent)

	open("GET /sockets/events/{id}", s.eventsSocket)

	s.controlRoutes(mux)

	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { notFoundOrMethod(mux, w, r) })

	return simctl.Faulty(s.faults, mux)
}

// notFoundOrMethod answers like Starlette: 405 when the path exists with
// another method, else 404, both as {"detail": …}.
func notFoundOrMethod(mux *http.ServeMux, w http.ResponseWriter, r *http.Request) {
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete, http.MethodPut} {
		if m == r.Method {
			continue
		}
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := mux.Handler(probe); pattern != "" && pattern != "/" {
			wire.WriteStatusDetail(w, http.StatusMethodNotAllowed)
			return
		}
	}
	wire.WriteStatusDetail(w, http.StatusNotFound)
}

// requireKey checks X-Session-API-Key as check_session_api_key does.
func (s *Server) requireKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.keys.Enabled() && !s.keys.Allows(r.Header.Get(wire.SessionKeyHeader)) {
			wire.WriteStatusDetail(w, http.StatusUnauthorized)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// pathConversation parses the {id} path value (dashed or hex UUID),
// writing FastAPI's 422 when it is not a UUID.
func pathConversation(w http.ResponseWriter, r *http.Request) (string, bool) {
	raw := r.PathValue("id")
	id, ok := wire.ParseUUID(raw)
	if !ok {
		wire.WriteValidation(w, wire.ValidationError("uuid_parsing", []any{"path", "conversation_id"},
			"Input should be a valid UUID, invalid length: expected length 32 for simple format", raw))
	}
	return id, ok
}

// conversationOr404 resolves {id} to a conversation or writes 404 with the
// detail the route uses (nil detail: the bare "Not Found").
func (s *Server) conversationOr404(w http.ResponseWriter, r *http.Request, detail bool) *conversation {
	id, ok := pathConversation(w, r)
	if !ok {
		return nil
	}
	c := s.lookup(id)
	if c == nil {
		if detail {
			wire.WriteDetail(w, http.StatusNotFound, "Conversation not found: "+id)
		} else {
			wire.WriteStatusDetail(w, http.StatusNotFound)
		}
	}
	return c
}

// queryInt reads an optional integer query parameter, writing 422 when it
// is not an integer.
func queryInt(w http.ResponseWriter, r *http.Request, name string, def int) (int, bool) {
	raw, ok := r.URL.Query()[name]
	if !ok || len(raw) == 0 {
		return def, true
	}
	n, err := strconv.Atoi(raw[0])
	if err != nil {
		wire.WriteValidation(w, wire.ValidationError("int_parsing", []any{"query", name},
			"Input should be a valid integer, unable to parse string as an integer", raw[0]))
		return 0, false
	}
	return n, true
}

// queryLimit reads limit as the search routes do: gt=0 is enforced (422);
// the intended le=100 was written "lte", so only an assert checks it and
// a bigger limit fails with a 500.
func queryLimit(w http.ResponseWriter, r *http.Request) (int, bool) {
	n, ok := queryInt(w, r, "limit", defaultSearchLimit)
	if !ok {
		return 0, false
	}
	if n <= 0 {
		wire.WriteValidation(w, wire.ValidationError("greater_than", []any{"query", "limit"},
			"Input should be greater than 0", strconv.Itoa(n)))
		return 0, false
	}
	if n > maxSearchLimit {
		wire.WriteInternalError(w, "")
		return 0, false
	}
	return n, true
}

// queryBool parses a FastAPI bool query value.
func queryBool(raw string) (bool, bool) {
	switch strings.ToLower(raw) {
	case "1", "true", "t", "yes", "y", "on":
		return true, true
	case "0", "false", "f", "no", "n", "off":
		return false, true
	}
	return false, false
}

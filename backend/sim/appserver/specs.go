package appserver

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// spec is one sandbox spec (SandboxSpecInfo).
type spec struct {
	id         string
	command    []string
	workingDir string
	createdAt  time.Time
}

// DefaultSpecID is the first spec, the one POST /sandboxes uses when no
// sandbox_spec_id is given (the image OpenHands pinned in Nov 2025).
const DefaultSpecID = "ghcr.io/openhands/agent-server:4e2ecd8-python"

func defaultSpecs(now time.Time) []spec {
	return []spec{
		{id: DefaultSpecID, command: []string{"--port", "8000"}, workingDir: "/workspace/project", createdAt: now.Add(-48 * time.Hour)},
		{id: "ghcr.io/openhands/agent-server:1.43.1-python", command: []string{"--port", "8000"}, workingDir: "/workspace/project", createdAt: now.Add(-24 * time.Hour)},
	}
}

// AddSpec adds a sandbox spec (an image) after the existing ones.
func (s *Sim) AddSpec(id string) {
	s.mu.Lock()
	s.specs = append(s.specs, spec{id: id, command: []string{"--port", "8000"}, workingDir: "/workspace/project", createdAt: s.cfg.Now()})
	s.mu.Unlock()
}

func (s *Sim) hasSpecLocked(id string) bool {
	for _, sp := range s.specs {
		if sp.id == id {
			return true
		}
	}
	return false
}

func (sp spec) info() wire.Obj {
	cmd := make([]any, len(sp.command))
	for i, c := range sp.command {
		cmd[i] = c
	}
	return wire.Obj{
		{K: "id", V: sp.id},
		{K: "command", V: cmd},
		{K: "created_at", V: wire.UTCISO(sp.createdAt)},
		{K: "initial_env", V: wire.Obj{{K: "LOG_JSON", V: "true"}, {K: "OH_CONVERSATIONS_PATH", V: "/workspace/conversations"}}},
		{K: "working_dir", V: sp.workingDir},
	}
}

func (s *Sim) searchSpecs(w http.ResponseWriter, r *http.Request) {
	s.count(RouteSpecSearch)
	limit, ok := parseLimit(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	from, to, next := page(len(s.specs), offsetOf(r), limit)
	items := make([]any, 0, to-from)
	for _, sp := range s.specs[from:to] {
		items = append(items, sp.info())
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "items", V: items}, {K: "next_page_id", V: next}})
}

func (s *Sim) batchSpecs(w http.ResponseWriter, r *http.Request) {
	s.count(RouteSpecBatch)
	ids := r.URL.Query()["id"]
	if len(ids) > 100 {
		wire.WriteInternalError(w, "AssertionError")
		return
	}
	s.mu.Lock()
	out := make([]any, len(ids))
	for i, id := range ids {
		for _, sp := range s.specs {
			if sp.id == id {
				out[i] = sp.info()
			}
		}
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, out)
}

// serveAgent passes /agent/{sandbox id}/… to the sandbox's agent-server,
// answering 503 while the sandbox is not running and 404 once it is gone,
// as a proxy in front of a stopped container would.
func (s *Sim) serveAgent(w http.ResponseWriter, r *http.Request) {
	s.count(RouteAgent)
	rest := strings.TrimPrefix(r.URL.Path, "/agent/")
	id, path, _ := strings.Cut(rest, "/")
	s.mu.Lock()
	sb := s.sandboxes[id]
	var st string
	if sb != nil {
		st = s.statusLocked(sb)
	}
	s.mu.Unlock()
	switch {
	case sb == nil:
		wire.WriteStatusDetail(w, http.StatusNotFound)
		return
	case st != StatusRunning:
		wire.WriteStatusDetail(w, http.StatusServiceUnavailable)
		return
	}
	r2 := r.Clone(r.Context())
	r2.URL.Path = "/" + path
	r2.URL.RawPath = ""
	sb.agent.ServeHTTP(w, r2)
}

func itoa(n int) string { return strconv.Itoa(n) }

func (s *Sim) routes() {
	m := s.mux
	m.HandleFunc("GET /api/v1/sandboxes/search", s.searchSandboxes)
	m.HandleFunc("GET /api/v1/sandboxes", s.batchSandboxes)
	m.HandleFunc("POST /api/v1/sandboxes", s.startSandbox)
	m.HandleFunc("POST /api/v1/sandboxes/{id}/pause", s.actionHandler("pause"))
	m.HandleFunc("POST /api/v1/sandboxes/{id}/resume", s.actionHandler("resume"))
	m.HandleFunc("DELETE /api/v1/sandboxes/{id}", s.actionHandler("delete"))
	m.HandleFunc("GET /api/v1/sandbox-specs/search", s.searchSpecs)
	m.HandleFunc("GET /api/v1/sandbox-specs", s.batchSpecs)
	m.HandleFunc("GET /api/v1/app-conversations/search", s.searchConvs)
	m.HandleFunc("GET /api/v1/app-conversations/count", s.countConvs)
	m.HandleFunc("GET /api/v1/app-conversations", s.batchConvs)
	m.HandleFunc("POST /api/v1/app-conversations", s.startConv)
	m.HandleFunc("GET /api/v1/app-conversations/start-tasks/search", s.searchTasks)
	m.HandleFunc("GET /api/v1/app-conversations/start-tasks", s.batchTasks)
}

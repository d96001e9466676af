package appserver

import (
	"cmp"
	"net/http"
	"slices"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Sandbox statuses (SandboxStatus).
const (
	StatusStarting = "STARTING"
	StatusRunning  = "RUNNING"
	StatusPaused   = "PAUSED"
	StatusError    = "ERROR"
	StatusMissing  = "MISSING"
)

// sandbox is one emulated sandbox with its agent-server.
type sandbox struct {
	id, specID, key, user string
	status                string
	createdAt             time.Time
	readyAt               time.Time // STARTING until then
	agent                 *agentserver.Server
}

// statusLocked is the status now, promoting a started sandbox once its
// start-up delay has passed.
func (s *Sim) statusLocked(sb *sandbox) string {
	if sb.status == StatusStarting && !s.cfg.Now().Before(sb.readyAt) {
		sb.status = StatusRunning
	}
	return sb.status
}

// infoLocked renders SandboxInfo; key and URLs only while RUNNING.
func (s *Sim) infoLocked(sb *sandbox) wire.Obj {
	st := s.statusLocked(sb)
	var key, urls any
	if st == StatusRunning {
		key = sb.key
		base := s.cfg.PublicURL + "/agent/" + sb.id
		urls = []any{
			wire.Obj{{K: "name", V: "AGENT_SERVER"}, {K: "url", V: base}, {K: "port", V: 8000}},
			wire.Obj{{K: "name", V: "VSCODE"}, {K: "url", V: base + "/vscode/?tkn=" + sb.key + "&folder=/workspace/project"}, {K: "port", V: 8001}},
		}
	}
	return wire.Obj{
		{K: "id", V: sb.id},
		{K: "created_by_user_id", V: nullable(sb.user)},
		{K: "sandbox_spec_id", V: sb.specID},
		{K: "status", V: st},
		{K: "session_api_key", V: key},
		{K: "exposed_urls", V: urls},
		{K: "created_at", V: wire.UTCISO(sb.createdAt)},
	}
}

func nullable(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// addSandboxLocked creates a sandbox in status st with its agent-server.
func (s *Sim) addSandboxLocked(specID, st string, created time.Time) (*sandbox, error) {
	sb := &sandbox{
		id: "oh-agent-server-" + s.randomIDLocked(22), specID: specID, key: s.randomIDLocked(43),
		status: st, createdAt: created, readyAt: created.Add(s.cfg.StartDelay),
	}
	a, err := agentserver.New(agentserver.Options{Keys: []string{sb.key}, Pace: s.cfg.Pace, Now: s.cfg.Now})
	if err != nil {
		return nil, err
	}
	sb.agent = a
	s.sandboxes[sb.id] = sb
	return sb, nil
}

// sortedSandboxesLocked lists sandboxes newest first (search order).
func (s *Sim) sortedSandboxesLocked() []*sandbox {
	out := make([]*sandbox, 0, len(s.sandboxes))
	for _, sb := range s.sandboxes {
		out = append(out, sb)
	}
	slices.SortFunc(out, func(a, b *sandbox) int {
		return cmp.Or(b.createdAt.Compare(a.createdAt), cmp.Compare(a.id, b.id))
	})
	return out
}

func (s *Sim) searchSandboxes(w http.ResponseWriter, r *http.Request) {
	s.count(RouteSandboxSearch)
	limit, ok := parseLimit(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	all := s.sortedSandboxesLocked()
	from, to, next := page(len(all), offsetOf(r), limit)
	items := make([]any, 0, to-from)
	for _, sb := range all[from:to] {
		items = append(items, s.infoLocked(sb))
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "items", V: items}, {K: "next_page_id", V: next}})
}

func (s *Sim) batchSandboxes(w http.ResponseWriter, r *http.Request) {
	s.count(RouteSandboxBatch)
	ids := r.URL.Query()["id"]
	if len(ids) == 0 {
		wire.WriteValidation(w, wire.ValidationError("missing", []any{"query", "id"}, "Field required", nil))
		return
	}
	if len(ids) > 100 {
		wire.WriteDetail(w, http.StatusBadRequest, "Cannot request more than 100 sandboxes at once, got "+itoa(len(ids)))
		return
	}
	s.mu.Lock()
	out := make([]any, len(ids))
	for i, id := range ids {
		if sb := s.sandboxes[id]; sb != nil {
			out[i] = s.infoLocked(sb)
		}
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) startSandbox(w http.ResponseWriter, r *http.Request) {
	s.count(RouteSandboxAction)
	specID := r.URL.Query().Get("sandbox_spec_id")
	s.mu.Lock()
	if specID == "" {
		specID = s.specs[0].id
	}
	if !s.hasSpecLocked(specID) {
		s.mu.Unlock()
		// Upstream raises ValueError('Sandbox Spec not found'), unhandled.
		wire.WriteInternalError(w, "Sandbox Spec not found")
		return
	}
	sb, err := s.addSandboxLocked(specID, StatusStarting, s.cfg.Now())
	var info wire.Obj
	if err == nil {
		info = s.infoLocked(sb)
	}
	s.mu.Unlock()
	if err != nil {
		wire.WriteInternalError(w, err.Error())
		return
	}
	wire.WriteJSON(w, http.StatusOK, info)
}

// sandboxAction runs pause, resume or delete; false means unknown.
func (s *Sim) sandboxAction(action, id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sb := s.sandboxes[id]
	if sb == nil {
		return false
	}
	switch action {
	case "pause":
		if s.statusLocked(sb) == StatusRunning {
			sb.status = StatusPaused
		}
	case "resume":
		if sb.status == StatusPaused || sb.status == StatusError {
			sb.status, sb.readyAt = StatusStarting, s.cfg.Now().Add(s.cfg.StartDelay)
		}
	case "delete":
		delete(s.sandboxes, id)
		if sb.agent != nil {
			go sb.agent.Close()
		}
	}
	return true
}

func (s *Sim) actionHandler(action string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.count(RouteSandboxAction)
		id := r.PathValue("id")
		if action == "delete" {
			// The upstream handler reads sandbox_id from the query (see doc).
			q, ok := r.URL.Query()["sandbox_id"]
			if !ok {
				wire.WriteValidation(w, wire.ValidationError("missing", []any{"query", "sandbox_id"}, "Field required", nil))
				return
			}
			id = q[0]
		}
		if !s.sandboxAction(action, id) {
			wire.WriteStatusDetail(w, http.StatusNotFound)
			return
		}
		wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "success", V: true}})
	}
}

// SetSandboxStatus forces a sandbox's status (ERROR, MISSING, PAUSED…).
func (s *Sim) SetSandboxStatus(id, status string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	sb := s.sandboxes[id]
	if sb == nil {
		return false
	}
	sb.status = status
	return true
}

// Agent returns the agent-server emulator of a sandbox.
func (s *Sim) Agent(sandboxID string) (*agentserver.Server, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	sb := s.sandboxes[sandboxID]
	if sb == nil {
		return nil, false
	}
	return sb.agent, true
}

// SandboxIDs lists the sandboxes, newest first.
func (s *Sim) SandboxIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	for _, sb := range s.sortedSandboxesLocked() {
		ids = append(ids, sb.id)
	}
	return ids
}

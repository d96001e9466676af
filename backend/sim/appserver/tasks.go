package appserver

import (
	"encoding/json"
	"net/http"
	"slices"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Start-task statuses (AppConversationStartTaskStatus).
const (
	TaskWorking              = "WORKING"
	TaskWaitingForSandbox    = "WAITING_FOR_SANDBOX"
	TaskPreparingRepository  = "PREPARING_REPOSITORY"
	TaskRunningSetupScript   = "RUNNING_SETUP_SCRIPT"
	TaskSettingUpGitHooks    = "SETTING_UP_GIT_HOOKS"
	TaskSettingUpSkills      = "SETTING_UP_SKILLS"
	TaskStartingConversation = "STARTING_CONVERSATION"
	TaskReady                = "READY"
	TaskError                = "ERROR"
)

// startRequest is the part of AppConversationStartRequest the emulator
// acts on; the whole body is echoed back as the task's request.
type startRequest struct {
	SandboxID      string `json:"sandbox_id"`
	ConversationID string `json:"conversation_id"`
	InitialMessage *struct {
		Content []struct {
			Type string `json:"type"`
			Text string `json:"text"`
		} `json:"content"`
	} `json:"initial_message"`
	LLMModel     string `json:"llm_model"`
	Repository   string `json:"selected_repository"`
	Branch       string `json:"selected_branch"`
	GitProvider  string `json:"git_provider"`
	Title        string `json:"title"`
	Trigger      string `json:"trigger"`
	ParentConvID string `json:"parent_conversation_id"`
}

// task is one start task.
type task struct {
	hex                  string
	status, detail       string
	convHex, sandboxID   string
	agentURL             string
	req                  startRequest
	rawReq               json.RawMessage
	createdAt, updatedAt time.Time
}

func (t *task) render() wire.Obj {
	return wire.Obj{
		{K: "id", V: t.hex},
		{K: "created_by_user_id", V: nil},
		{K: "status", V: t.status},
		{K: "detail", V: nullable(t.detail)},
		{K: "app_conversation_id", V: nullable(t.convHex)},
		{K: "sandbox_id", V: nullable(t.sandboxID)},
		{K: "agent_server_url", V: nullable(t.agentURL)},
		{K: "request", V: wire.Raw(t.rawReq)},
		{K: "created_at", V: wire.UTCISO(t.createdAt)},
		{K: "updated_at", V: wire.UTCISO(t.updatedAt)},
	}
}

func (s *Sim) startConv(w http.ResponseWriter, r *http.Request) {
	s.count(RouteConvStart)
	var raw json.RawMessage
	if !wire.ReadJSON(w, r, &raw, 1<<20) {
		return
	}
	var req startRequest
	if err := json.Unmarshal(raw, &req); err != nil {
		wire.WriteValidation(w, wire.ValidationError("model_attributes_type", []any{"body"}, "Input should be a valid dictionary or object", string(raw)))
		return
	}
	s.mu.Lock()
	now := s.cfg.Now()
	t := &task{hex: s.randomHexLocked(), status: TaskWorking, req: req, rawReq: raw, createdAt: now, updatedAt: now}
	s.tasks[t.hex] = t
	s.taskOrder = append(s.taskOrder, t)
	out := t.render()
	closed := s.closed
	if !closed {
		s.wg.Add(1)
	}
	s.mu.Unlock()
	if !closed {
		go s.runTask(t)
	}
	wire.WriteJSON(w, http.StatusOK, out)
}

// runTask moves a start task through its statuses, one per StepDelay.
func (s *Sim) runTask(t *task) {
	defer s.wg.Done()
	step := func(status string) bool {
		select {
		case <-s.stop:
			return false
		case <-time.After(s.cfg.StepDelay):
		}
		s.mu.Lock()
		t.status, t.updatedAt = status, s.cfg.Now()
		s.mu.Unlock()
		return true
	}
	fail := func(detail string) {
		s.mu.Lock()
		t.status, t.detail, t.updatedAt = TaskError, detail, s.cfg.Now()
		s.mu.Unlock()
	}
	if !step(TaskWaitingForSandbox) {
		return
	}
	sb, detail := s.taskSandbox(t)
	if sb == nil {
		fail(detail)
		return
	}
	for !s.running(sb) {
		select {
		case <-s.stop:
			return
		case <-time.After(max(s.cfg.StepDelay, time.Millisecond)):
		}
	}
	if t.req.Repository != "" {
		if !step(TaskPreparingRepository) {
			return
		}
		s.mu.Lock()
		why, bad := s.failRepos[t.req.Repository]
		s.mu.Unlock()
		if bad {
			fail(why)
			return
		}
	}
	for _, st := range []string{TaskRunningSetupScript, TaskSettingUpGitHooks, TaskSettingUpSkills, TaskStartingConversation} {
		if !step(st) {
			return
		}
	}
	if err := s.createConv(t, sb); err != nil {
		fail(err.Error())
		return
	}
	step(TaskReady)
}

// taskSandbox finds or starts the sandbox a task runs in.
func (s *Sim) taskSandbox(t *task) (*sandbox, string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if id := t.req.SandboxID; id != "" {
		sb := s.sandboxes[id]
		if sb == nil {
			return nil, "Sandbox not found: " + id
		}
		if sb.status == StatusPaused {
			sb.status, sb.readyAt = StatusStarting, s.cfg.Now().Add(s.cfg.StartDelay)
		}
		t.sandboxID = sb.id
		return sb, ""
	}
	sb, err := s.addSandboxLocked(s.specs[0].id, StatusStarting, s.cfg.Now())
	if err != nil {
		return nil, err.Error()
	}
	t.sandboxID = sb.id
	return sb, ""
}

func (s *Sim) running(sb *sandbox) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.statusLocked(sb) == StatusRunning
}

// createConv creates the conversation on the agent-server and records it.
func (s *Sim) createConv(t *task, sb *sandbox) error {
	s.mu.Lock()
	hex := s.randomHexLocked()
	if d, ok := wire.ParseUUID(t.req.ConversationID); ok {
		hex = wire.Hex(d)
	}
	s.mu.Unlock()
	dashed, _ := wire.ParseUUID(hex)
	model := t.req.LLMModel
	if model == "" {
		model = "litellm_proxy/claude-sonnet-4-5-20250929"
	}
	if _, err := sb.agent.Seed(agentserver.SeedSpec{ID: dashed, Title: t.req.Title, Model: model}); err != nil {
		return err
	}
	text := ""
	if m := t.req.InitialMessage; m != nil {
		for _, c := range m.Content {
			text += c.Text
		}
	}
	if text != "" {
		if err := sb.agent.SendMessage(dashed, text, true); err != nil {
			return err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	title := t.req.Title
	if title == "" {
		title = "Conversation " + hex[:5]
	}
	parent := ""
	if d, ok := wire.ParseUUID(t.req.ParentConvID); ok {
		parent = wire.Hex(d)
	}
	trigger := t.req.Trigger
	if trigger == "" {
		trigger = "openhands_api"
	}
	s.convs[hex] = &conv{
		hex: hex, dashed: dashed, sandboxID: sb.id, title: title, repo: t.req.Repository, branch: t.req.Branch,
		provider: t.req.GitProvider, trigger: trigger, model: model, parent: parent, createdAt: now, updatedAt: now,
	}
	t.convHex, t.agentURL = hex, s.cfg.PublicURL+"/agent/"+sb.id
	return nil
}

func (s *Sim) searchTasks(w http.ResponseWriter, r *http.Request) {
	s.count(RouteTaskSearch)
	limit, ok := parseLimit(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	var convEq string
	if v := q.Get("conversation_id__eq"); v != "" {
		d, ok := wire.ParseUUID(v)
		if !ok {
			wire.WriteValidation(w, wire.ValidationError("uuid_parsing", []any{"query", "conversation_id__eq"}, "Input should be a valid UUID", v))
			return
		}
		convEq = wire.Hex(d)
	}
	s.mu.Lock()
	var hits []*task
	for _, t := range s.taskOrder {
		if convEq == "" || t.convHex == convEq {
			hits = append(hits, t)
		}
	}
	if q.Get("sort_order") != "CREATED_AT" {
		slices.Reverse(hits) // CREATED_AT_DESC is the default
	}
	from, to, next := page(len(hits), offsetOf(r), limit)
	items := make([]any, 0, to-from)
	for _, t := range hits[from:to] {
		items = append(items, t.render())
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "items", V: items}, {K: "next_page_id", V: next}})
}

func (s *Sim) batchTasks(w http.ResponseWriter, r *http.Request) {
	s.count(RouteTaskBatch)
	ids := r.URL.Query()["ids"]
	if len(ids) >= 100 {
		wire.WriteInternalError(w, "AssertionError")
		return
	}
	s.mu.Lock()
	out := make([]any, len(ids))
	for i, id := range ids {
		d, ok := wire.ParseUUID(id)
		if !ok {
			s.mu.Unlock()
			wire.WriteValidation(w, wire.ValidationError("uuid_parsing", []any{"query", "ids", i}, "Input should be a valid UUID", id))
			return
		}
		if t := s.tasks[wire.Hex(d)]; t != nil {
			out[i] = t.render()
		}
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, out)
}

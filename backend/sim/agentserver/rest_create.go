package agentserver

import (
	"encoding/json"
	"net/http"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// startRequest is the part of StartConversationRequest the emulator reads.
type startRequest struct {
	Agent              map[string]any         `json:"agent"`
	AgentSettings      map[string]any         `json:"agent_settings"`
	AgentProfileID     *string                `json:"agent_profile_id"`
	ConversationID     *string                `json:"conversation_id"`
	ConfirmationPolicy *struct{ Kind string } `json:"confirmation_policy"`
	InitialMessage     json.RawMessage        `json:"initial_message"`
	MaxIterations      *int                   `json:"max_iterations"`
	StuckDetection     *bool                  `json:"stuck_detection"`
	Tags               map[string]string      `json:"tags"`
	Autotitle          *bool                  `json:"autotitle"`
	Workspace          *struct {
		WorkingDir string `json:"working_dir"`
	} `json:"workspace"`
}

// startConversation is POST /api/conversations: 201 for a new
// conversation, 200 when conversation_id already exists; initial_message
// always starts a run, whatever its run flag says.
func (s *Server) startConversation(w http.ResponseWriter, r *http.Request) {
	var req startRequest
	if !readJSON(w, r, &req) {
		return
	}
	bad := func(loc string, msg string, input any) {
		wire.WriteValidation(w, wire.ValidationError("value_error", []any{"body", loc}, msg, input))
	}
	spec := s.defaultConv()
	switch {
	case req.AgentProfileID != nil && req.Agent == nil && req.AgentSettings == nil:
		wire.WriteDetail(w, http.StatusNotFound, "Agent profile not found: "+*req.AgentProfileID)
		return
	case req.Agent != nil:
		spec.agent, spec.model = agentFromRequest(req.Agent, s.opts.Model)
	case req.AgentSettings != nil:
		llm, _ := req.AgentSettings["llm"].(map[string]any)
		spec.agent, spec.model = agentFromRequest(map[string]any{"llm": llm}, s.opts.Model)
	default:
		bad("agent", "Value error, one of agent, agent_settings or agent_profile_id is required", nil)
		return
	}
	if req.ConversationID != nil {
		id, ok := wire.ParseUUID(*req.ConversationID)
		if !ok {
			bad("conversation_id", "Input should be a valid UUID", *req.ConversationID)
			return
		}
		spec.id = id
	}
	if p := req.ConfirmationPolicy; p != nil {
		if !validPolicy(p.Kind) {
			bad("confirmation_policy", "Input tag does not match any of the expected tags", p.Kind)
			return
		}
		spec.policy = p.Kind
	}
	if req.MaxIterations != nil {
		if *req.MaxIterations < 1 {
			bad("max_iterations", "Input should be greater than 0", *req.MaxIterations)
			return
		}
		spec.maxIterations = *req.MaxIterations
	}
	if req.StuckDetection != nil {
		spec.stuckDetection = *req.StuckDetection
	}
	if msg := checkTags(req.Tags); msg != "" {
		bad("tags", msg, req.Tags)
		return
	}
	spec.tags = req.Tags
	if req.Autotitle != nil {
		spec.autotitle = *req.Autotitle
	}
	if req.Workspace != nil && req.Workspace.WorkingDir != "" {
		spec.workingDir = req.Workspace.WorkingDir
	}
	var initial *message
	if len(req.InitialMessage) > 0 && string(req.InitialMessage) != "null" {
		m, err := parseMessage(req.InitialMessage, true)
		if err != nil {
			bad("initial_message", err.Error(), string(req.InitialMessage))
			return
		}
		initial = &m
	}
	c, created := s.create(spec)
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		if initial != nil {
			if err := c.sendMessage(*initial, true); err != nil {
				wire.WriteInternalError(w, err.Error())
				return
			}
		}
	}
	wire.WriteJSON(w, status, c.info())
}

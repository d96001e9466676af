package agentserver

import (
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// SeedSpec describes a conversation to create with a history. The zero
// value is an empty idle conversation.
type SeedSpec struct {
	// ID is the conversation id (dashed or hex); empty picks a random one.
	ID string `json:"id,omitempty"`
	// Title is set as if by PATCH; empty leaves it null (or auto-titled).
	Title string `json:"title,omitempty"`
	// Turns is the number of complete scripted turns of history.
	Turns int `json:"turns,omitempty"`
	// Events appends that many bulk events after the turns (see Generate).
	Events int `json:"events,omitempty"`
	// Message is the first user message of the history.
	Message string `json:"message,omitempty"`
	// Status is the final execution status: idle (default), running
	// (starts the scripted agent), paused, waiting_for_confirmation (with
	// a pending action), finished, error or stuck.
	Status string `json:"status,omitempty"`
	// Confirmation is the policy; empty uses Options.Confirmation.
	Confirmation string `json:"confirmation,omitempty"`
	// Model is the LLM model name; empty uses Options.Model.
	Model string `json:"model,omitempty"`
	// Tags are the conversation's tags.
	Tags map[string]string `json:"tags,omitempty"`
	// CreatedAt backdates the conversation (for sort-order tests).
	CreatedAt time.Time `json:"created_at,omitzero"`
	// Inactive marks the event service as not running: a websocket then
	// gets an idle status instead of the full state first (v1.31.2+).
	Inactive bool `json:"inactive,omitempty"`
}

// Seed creates a conversation from spec and returns its dashed id.
func (s *Server) Seed(spec SeedSpec) (string, error) {
	nc := s.defaultConv()
	if spec.ID != "" {
		id, ok := wire.ParseUUID(spec.ID)
		if !ok {
			return "", fmt.Errorf("seed id %q: %w", spec.ID, backend.ErrInvalidID)
		}
		nc.id = id
		if s.lookup(id) != nil {
			return "", fmt.Errorf("seed id %s exists: %w", id, backend.ErrConflict)
		}
	}
	if spec.Confirmation != "" {
		if !validPolicy(spec.Confirmation) {
			return "", fmt.Errorf("seed confirmation policy %q is unknown", spec.Confirmation)
		}
		nc.policy = spec.Confirmation
	}
	if spec.Model != "" {
		nc.model = spec.Model
	}
	if spec.Title != "" {
		t := spec.Title
		nc.title = &t
	}
	if msg := checkTags(spec.Tags); msg != "" {
		return "", fmt.Errorf("seed tags: %s", msg)
	}
	switch spec.Status {
	case "", StatusIdle, StatusRunning, StatusPaused, StatusWaitingForConfirmation, StatusFinished, StatusError, StatusStuck:
	default:
		return "", fmt.Errorf("seed status %q: want idle, running, paused, waiting_for_confirmation, finished, error or stuck", spec.Status)
	}
	if spec.Turns < 0 || spec.Events < 0 {
		return "", fmt.Errorf("seed turns and events must not be negative")
	}
	nc.tags, nc.createdAt, nc.inactive = spec.Tags, spec.CreatedAt, spec.Inactive
	c, _ := s.create(nc)
	c.mu.Lock()
	defer c.mu.Unlock()
	for i := 0; i < spec.Turns; i++ {
		text := fmt.Sprintf("Task %d: fix the failing test in package %c", i+1, 'a'+rune(i%26))
		if i == 0 && spec.Message != "" {
			text = spec.Message
		}
		c.completeTurnLocked(text)
	}
	c.generateLocked(spec.Events)
	c.seedStatusLocked(spec.Status)
	return c.id, nil
}

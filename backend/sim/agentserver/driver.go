package agentserver

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// conv resolves an id (dashed or hex) or fails with backend.ErrNotFound.
func (s *Server) conv(id string) (*conversation, error) {
	if c := s.lookup(canonicalID(id)); c != nil {
		return c, nil
	}
	return nil, fmt.Errorf("conversation %s: %w", id, backend.ErrNotFound)
}

func canonicalID(id string) string {
	if d, ok := wire.ParseUUID(id); ok {
		return d
	}
	return id
}

// Conversations returns the ids of every conversation in creation order.
func (s *Server) Conversations() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := make([]string, len(s.order))
	for i, c := range s.order {
		ids[i] = c.id
	}
	return ids
}

// SendMessage appends a user message, as POST …/events does.
func (s *Server) SendMessage(id, text string, run bool) error {
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	return c.sendMessage(userText(text), run)
}

// Run starts the scripted agent (backend.ErrConflict when running).
func (s *Server) Run(id string) error {
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.startRunLocked()
}

// Pause pauses the conversation, as POST …/pause does.
func (s *Server) Pause(id string) error {
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	return c.pause()
}

// Interrupt stops the run at once, as POST …/interrupt does.
func (s *Server) Interrupt(ctx context.Context, id string) error {
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	return c.interrupt(ctx)
}

// Respond accepts or rejects the pending action.
func (s *Server) Respond(id string, accept bool, reason string) error {
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	return c.respond(accept, reason)
}

// Delete removes the conversation; false when it did not exist.
func (s *Server) Delete(id string) bool { return s.remove(canonicalID(id)) }

// Generate appends exactly n events at once (see generateLocked) and
// returns the new length of the log.
func (s *Server) Generate(id string, n int) (int, error) {
	c, err := s.conv(id)
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generateLocked(n)
	return len(c.log.events), nil
}

// Events returns the whole stored event list as REST shows it (nulls
// dropped), in log order: the server-side truth to compare a client with.
func (s *Server) Events(id string) ([]json.RawMessage, error) {
	c, err := s.conv(id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]json.RawMessage, len(c.log.events))
	for i, e := range c.log.events {
		out[i] = e.compact
	}
	return out, nil
}

// EventIDs returns the ids of the stored events in log order.
func (s *Server) EventIDs(id string) ([]string, error) {
	c, err := s.conv(id)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	ids := make([]string, len(c.log.events))
	for i, e := range c.log.events {
		ids[i] = e.ID
	}
	return ids, nil
}

// Status returns the conversation's execution status.
func (s *Server) Status(id string) (string, error) {
	c, err := s.conv(id)
	if err != nil {
		return "", err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.status, nil
}

// Info returns the ConversationInfo JSON the REST API would return.
func (s *Server) Info(id string) (json.RawMessage, error) {
	c, err := s.conv(id)
	if err != nil {
		return nil, err
	}
	return wire.Marshal(c.info()), nil
}

// WaitStatus blocks until the conversation has status (and no run is
// winding down), or ctx ends.
func (s *Server) WaitStatus(ctx context.Context, id, status string) error {
	return s.waitConv(ctx, id, func(c *conversation) bool {
		return c.status == status && (status == StatusRunning || c.run == nil)
	})
}

// WaitEventCount blocks until the log holds at least n events.
func (s *Server) WaitEventCount(ctx context.Context, id string, n int) error {
	return s.waitConv(ctx, id, func(c *conversation) bool { return len(c.log.events) >= n })
}

// waitConv waits until cond, checked under the conversation's lock, holds.
func (s *Server) waitConv(ctx context.Context, id string, cond func(*conversation) bool) error {
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	return s.waitFor(ctx, func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		return cond(c)
	})
}

// SetPace changes the pause between the scripted agent's steps.
func (s *Server) SetPace(d time.Duration) { s.pace.Set(d) }

// Pace returns the pause between the scripted agent's steps.
func (s *Server) Pace() time.Duration { return s.pace.Get() }

// SetFaults replaces the fault knobs.
func (s *Server) SetFaults(cfg faults.Config) error { return s.faults.Set(cfg) }

// Faults returns the fault knobs.
func (s *Server) Faults() faults.Config { return s.faults.Config() }

// SetContent replaces the hostile-content knobs.
func (s *Server) SetContent(c Content) error {
	if c.OversizedBytes < 0 {
		return fmt.Errorf("oversized bytes %d must not be negative", c.OversizedBytes)
	}
	s.mu.Lock()
	s.content = c
	s.mu.Unlock()
	return nil
}

// Content returns the hostile-content knobs.
func (s *Server) Content() Content {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.content
}

// SetInactive marks a conversation's event service as stopped or running.
func (s *Server) SetInactive(id string, inactive bool) error {
	c, err := s.conv(id)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.inactive = inactive
	c.mu.Unlock()
	return nil
}

// DropSockets cuts every websocket of conversation id (all conversations
// when id is empty) without a close frame, as a dead network would.
func (s *Server) DropSockets(id string) error {
	var convs []*conversation
	if id == "" {
		s.mu.Lock()
		convs = append(convs, s.order...)
		s.mu.Unlock()
	} else {
		c, err := s.conv(id)
		if err != nil {
			return err
		}
		convs = append(convs, c)
	}
	for _, c := range convs {
		c.mu.Lock()
		c.hub.closeAll(0)
		c.hub = hub{}
		c.mu.Unlock()
	}
	return nil
}

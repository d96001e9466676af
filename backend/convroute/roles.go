package convroute

import (
	"context"
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

// Conversations lists every conversation of one sandbox.
func (r *Router) Conversations(ctx context.Context, sb backend.Sandbox) ([]backend.Conversation, error) {
	e, err := r.client(sb)
	if err != nil {
		return nil, err
	}
	var list []backend.Conversation
	if e.v0 != nil {
		c, err := e.v0.Conversation(ctx)
		if err != nil {
			return nil, err
		}
		list = []backend.Conversation{c}
	} else if list, err = e.v1.Conversations(ctx); err != nil {
		return nil, err
	}
	for i := range list {
		list[i] = stamp(sb, list[i])
	}
	return list, nil
}

// Conversation returns one conversation of a sandbox.
func (r *Router) Conversation(ctx context.Context, sb backend.Sandbox, id string) (backend.Conversation, error) {
	e, err := r.client(sb)
	if err != nil {
		return backend.Conversation{}, err
	}
	var c backend.Conversation
	if e.v0 != nil {
		if err := v0Conv(sb, id); err != nil {
			return c, err
		}
		c, err = e.v0.Conversation(ctx)
	} else {
		c, err = e.v1.Conversation(ctx, id)
	}
	if err != nil {
		return c, err
	}
	return stamp(sb, c), nil
}

// AllConversations lists many sandboxes at once, Concurrency at a time.
// Sandboxes that are not running are reported without being asked: their
// servers are frozen or gone, and a call would only wait for its timeout.
func (r *Router) AllConversations(ctx context.Context, sbs []backend.Sandbox) []backend.SandboxConversations {
	out := make([]backend.SandboxConversations, len(sbs))
	sem := make(chan struct{}, r.opts.Concurrency)
	done := make(chan struct{})
	pending := 0
	for i, sb := range sbs {
		out[i].Sandbox = sb
		if sb.Status != backend.StatusRunning {
			out[i].Err = fmt.Errorf("sandbox %s is %s: %w", sb.ID, sb.Status, backend.ErrUnavailable)
			continue
		}
		pending++
		go func() {
			defer func() { done <- struct{}{} }()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				out[i].Err = ctx.Err()
				return
			}
			defer func() { <-sem }()
			out[i].Conversations, out[i].Err = r.Conversations(ctx, sb)
		}()
	}
	for ; pending > 0; pending-- {
		<-done
	}
	return out
}

// Pause pauses the agent after its current step.
func (r *Router) Pause(ctx context.Context, sb backend.Sandbox, id string) error {
	return r.act(sb, id, func(e *entry) error { return e.v1.Pause(ctx, id) }, func(e *entry) error { return e.v0.Pause(ctx) })
}

// Run starts or resumes the agent.
func (r *Router) Run(ctx context.Context, sb backend.Sandbox, id string) error {
	return r.act(sb, id, func(e *entry) error { return e.v1.Run(ctx, id) }, func(e *entry) error { return e.v0.Run(ctx) })
}

// Interrupt stops the agent at once (or pauses it on old agent-servers).
func (r *Router) Interrupt(ctx context.Context, sb backend.Sandbox, id string) (backend.InterruptOutcome, error) {
	out := backend.Interrupted
	err := r.act(sb, id, func(e *entry) (err error) {
		out, err = e.v1.Interrupt(ctx, id)
		return err
	}, func(e *entry) error { return e.v0.Interrupt(ctx) })
	return out, err
}

// Delete deletes the conversation (not the sandbox).
func (r *Router) Delete(ctx context.Context, sb backend.Sandbox, id string) error {
	return r.act(sb, id, func(e *entry) error { return e.v1.Delete(ctx, id) }, func(e *entry) error { return e.v0.Delete(ctx) })
}

// SendMessage posts a user message and starts the agent.
func (r *Router) SendMessage(ctx context.Context, sb backend.Sandbox, id, text string) error {
	return r.act(sb, id, func(e *entry) error { return e.v1.SendMessage(ctx, id, text) },
		func(e *entry) error { return e.v0.SendMessage(ctx, text) })
}

// RespondToConfirmation accepts or rejects pending actions. V0 servers
// take no reason.
func (r *Router) RespondToConfirmation(ctx context.Context, sb backend.Sandbox, id string, accept bool, reason string) error {
	return r.act(sb, id, func(e *entry) error { return e.v1.RespondToConfirmation(ctx, id, accept, reason) },
		func(e *entry) error { return e.v0.RespondToConfirmation(ctx, accept) })
}

// StopConversation stops a V0 conversation's agent loop and waits for
// STOPPED; the caller pauses the sandbox afterwards. Agent-server
// conversations have no stop (ErrUnsupported).
func (r *Router) StopConversation(ctx context.Context, sb backend.Sandbox, id string) error {
	if !isV0(sb) {
		return fmt.Errorf("agent-server conversations have no stop; pause, interrupt or delete instead: %w", backend.ErrUnsupported)
	}
	return r.act(sb, id, nil, func(e *entry) error { return e.v0.Stop(ctx) })
}

// act runs the flavor's version of an action.
func (r *Router) act(sb backend.Sandbox, id string, v1, v0 func(*entry) error) error {
	e, err := r.client(sb)
	if err != nil {
		return err
	}
	if e.v0 != nil {
		if err := v0Conv(sb, id); err != nil {
			return err
		}
		return v0(e)
	}
	return v1(e)
}

// StreamEvents follows a conversation live.
func (r *Router) StreamEvents(ctx context.Context, sb backend.Sandbox, id string, opts backend.StreamOptions) <-chan backend.EventUpdate {
	e, err := r.client(sb)
	if err == nil && e.v0 != nil {
		err = v0Conv(sb, id)
	}
	switch {
	case err != nil:
		ch := make(chan backend.EventUpdate, 1)
		ch <- backend.EventUpdate{Conn: backend.ConnState{Phase: backend.ConnClosed, Err: err}}
		close(ch)
		return ch
	case e.v0 != nil:
		return e.v0.StreamEvents(ctx, opts)
	default:
		return e.v1.StreamEvents(ctx, id, opts)
	}
}

// EventsBefore pages back through history.
func (r *Router) EventsBefore(ctx context.Context, sb backend.Sandbox, id string, q backend.PageQuery) (page backend.EventPage, err error) {
	err = r.act(sb, id, func(e *entry) (err error) {
		page, err = e.v1.EventsBefore(ctx, id, q)
		return err
	}, func(e *entry) (err error) {
		page, err = e.v0.EventsBefore(ctx, q)
		return err
	})
	return page, err
}

// Event fetches one event in full.
func (r *Router) Event(ctx context.Context, sb backend.Sandbox, convID, eventID string) (ev backend.Event, err error) {
	err = r.act(sb, convID, func(e *entry) (err error) {
		ev, err = e.v1.Event(ctx, convID, eventID)
		return err
	}, func(e *entry) (err error) {
		ev, err = e.v0.Event(ctx, eventID)
		return err
	})
	return ev, err
}

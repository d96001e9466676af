package guard

import (
	"context"
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

// Action names of conversation actions in the audit log.
const (
	ConversationPause     = "conversation.pause"
	ConversationRun       = "conversation.run"
	ConversationInterrupt = "conversation.interrupt"
	ConversationDelete    = "conversation.delete"
	ConversationSend      = "conversation.send"
	ConversationApprove   = "conversation.approve"
	ConversationReject    = "conversation.reject"
	ConversationStop      = "conversation.stop"
	// ConversationNew starts an app conversation on an app-server (its
	// outcome names the conversation, or the start task when none was
	// made).
	ConversationNew = "conversation.new"
)

// Conversations is everything the dashboard and the command line do with
// conversations: read them, follow their events, act on them.
type Conversations interface {
	backend.ConversationLister
	backend.FleetConversationLister
	backend.ConversationController
	backend.ConversationStopper
	backend.EventStreamer
	backend.EventPager
	backend.EventHistory
}

// Conversations wraps c so its actions go through g; reads and streams
// pass straight through.
func (g *Guard) Conversations(c Conversations) Conversations {
	return guardedConversations{inner: c, g: g}
}

type guardedConversations struct {
	inner Conversations
	g     *Guard
}

// Conversations lists a sandbox's conversations.
func (c guardedConversations) Conversations(ctx context.Context, sb backend.Sandbox) ([]backend.Conversation, error) {
	return c.inner.Conversations(ctx, sb)
}

// Conversation reads one conversation.
func (c guardedConversations) Conversation(ctx context.Context, sb backend.Sandbox, id string) (backend.Conversation, error) {
	return c.inner.Conversation(ctx, sb, id)
}

// AllConversations lists many sandboxes at once.
func (c guardedConversations) AllConversations(ctx context.Context, sbs []backend.Sandbox) []backend.SandboxConversations {
	return c.inner.AllConversations(ctx, sbs)
}

// StreamEvents follows a conversation's events.
func (c guardedConversations) StreamEvents(ctx context.Context, sb backend.Sandbox, id string, opts backend.StreamOptions) <-chan backend.EventUpdate {
	return c.inner.StreamEvents(ctx, sb, id, opts)
}

// EventsBefore pages back through history.
func (c guardedConversations) EventsBefore(ctx context.Context, sb backend.Sandbox, id string, q backend.PageQuery) (backend.EventPage, error) {
	return c.inner.EventsBefore(ctx, sb, id, q)
}

// History reads a conversation's stored events page by page.
func (c guardedConversations) History(ctx context.Context, sb backend.Sandbox, id string, q backend.HistoryQuery, fn func([]backend.Event) error) error {
	return c.inner.History(ctx, sb, id, q, fn)
}

// Event fetches one event in full.
func (c guardedConversations) Event(ctx context.Context, sb backend.Sandbox, convID, eventID string) (backend.Event, error) {
	return c.inner.Event(ctx, sb, convID, eventID)
}

// ConversationOp describes a conversation action (ConversationPause...)
// on conversation id of sandbox sb.
func ConversationOp(action string, sb backend.Sandbox, id string) Op { return convOp(action, sb, id) }

func convOp(action string, sb backend.Sandbox, id string) Op {
	return Op{Action: action, Backend: sb.Source, Target: id, Sandbox: sb.ID}
}

func (c guardedConversations) do(ctx context.Context, op Op, fn func(context.Context) error) error {
	return c.g.Do(ctx, op, func(ctx context.Context) (string, error) { return "", fn(ctx) })
}

// Pause pauses the agent after its current step.
func (c guardedConversations) Pause(ctx context.Context, sb backend.Sandbox, id string) error {
	return c.do(ctx, convOp(ConversationPause, sb, id), func(ctx context.Context) error { return c.inner.Pause(ctx, sb, id) })
}

// Run starts or resumes the agent.
func (c guardedConversations) Run(ctx context.Context, sb backend.Sandbox, id string) error {
	return c.do(ctx, convOp(ConversationRun, sb, id), func(ctx context.Context) error { return c.inner.Run(ctx, sb, id) })
}

// Interrupt stops the agent at once; the audit entry says when the server
// paused instead.
func (c guardedConversations) Interrupt(ctx context.Context, sb backend.Sandbox, id string) (backend.InterruptOutcome, error) {
	var out backend.InterruptOutcome
	op := convOp(ConversationInterrupt, sb, id)
	err := c.g.Do(ctx, op, func(ctx context.Context) (string, error) {
		var err error
		out, err = c.inner.Interrupt(ctx, sb, id)
		return "", err
	})
	return out, err
}

// Delete deletes the conversation.
func (c guardedConversations) Delete(ctx context.Context, sb backend.Sandbox, id string) error {
	return c.do(ctx, convOp(ConversationDelete, sb, id), func(ctx context.Context) error { return c.inner.Delete(ctx, sb, id) })
}

// SendMessage posts a user message. The audit entry records its size, not
// its text, which may hold anything.
func (c guardedConversations) SendMessage(ctx context.Context, sb backend.Sandbox, id, text string) error {
	op := convOp(ConversationSend, sb, id)
	op.Detail = fmt.Sprintf("message of %d bytes", len(text))
	return c.do(ctx, op, func(ctx context.Context) error { return c.inner.SendMessage(ctx, sb, id, text) })
}

// RespondToConfirmation approves or rejects pending actions.
func (c guardedConversations) RespondToConfirmation(ctx context.Context, sb backend.Sandbox, id string, accept bool, reason string) error {
	action := ConversationReject
	if accept {
		action = ConversationApprove
	}
	return c.do(ctx, convOp(action, sb, id), func(ctx context.Context) error {
		return c.inner.RespondToConfirmation(ctx, sb, id, accept, reason)
	})
}

// StopConversation stops a V0 conversation's agent loop.
func (c guardedConversations) StopConversation(ctx context.Context, sb backend.Sandbox, id string) error {
	return c.do(ctx, convOp(ConversationStop, sb, id), func(ctx context.Context) error {
		return c.inner.StopConversation(ctx, sb, id)
	})
}

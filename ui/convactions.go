package ui

import (
	"context"
	"errors"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/confirm"
)

// convAction is an action on one conversation. They are kept apart from
// sandbox actions: other keys, other words, other confirmations.
type convAction string

const (
	convPause     convAction = "pause"
	convRun       convAction = "run"
	convInterrupt convAction = "interrupt"
	convDelete    convAction = "delete"
	convStop      convAction = "stop"
	convAccept    convAction = "accept"
	convReject    convAction = "reject"
	convSend      convAction = "message"
)

// convRequest is the payload of a conversation confirmation or composer.
type convRequest struct {
	action convAction
	conv   backend.Conversation
	sb     backend.Sandbox
	text   string
}

var convWords = map[convAction][2]string{
	convPause:     {"pausing", "paused"},
	convRun:       {"starting the agent of", "started the agent of"},
	convInterrupt: {"interrupting", "interrupted"},
	convDelete:    {"deleting conversation", "deleted conversation"},
	convStop:      {"stopping", "stopped"},
	convAccept:    {"accepting the pending action of", "accepted the pending action of"},
	convReject:    {"rejecting the pending action of", "rejected the pending action of"},
	convSend:      {"sending a message to", "sent a message to"},
}

// convLabel names a conversation for a person: its title and short id.
func convLabel(c backend.Conversation) string {
	short := backend.ConversationIDHex(c.ID)
	if len(short) > 8 {
		short = short[:8]
	}
	if c.Title == "" {
		return short
	}
	return "“" + c.Title + "” (" + short + ")"
}

// conversationAction handles the conversation keys on the conversations
// tab: it checks the action makes sense, then opens its confirmation (or
// the composer).
func (m Model) conversationAction(kp tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	if m.tab != tabConversations || m.cfg.Conversations == nil {
		return m, nil, false
	}
	k := m.keys
	if key.Matches(kp, k.ConvScope) {
		m.conv.all = !m.conv.all
		m, cmd := m.refreshConversations()
		return m, cmd, true
	}
	acts := []struct {
		b key.Binding
		a convAction
	}{
		{k.ConvPause, convPause}, {k.ConvRun, convRun}, {k.ConvInterrupt, convInterrupt},
		{k.ConvDelete, convDelete}, {k.ConvStop, convStop}, {k.ConvAccept, convAccept},
		{k.ConvReject, convReject}, {k.ConvMessage, convSend},
	}
	var a convAction
	for _, x := range acts {
		if key.Matches(kp, x.b) {
			a = x.a
			break
		}
	}
	if a == "" {
		return m, nil, false
	}
	c, ok := m.focusedConversation()
	if m.cfg.ReadOnly {
		r := Refusal{Kind: "conversation", Action: string(a)}
		if ok {
			r.Target, r.Source = c.ID, c.Source
			if sb, found := m.sandboxOf(c); found {
				r.Sandbox, r.Source = sb.ID, sb.Source
			}
		}
		m, cmd := m.refuseReadOnly(r)
		return m, cmd, true
	}
	if !ok {
		return m.warn("no conversation selected"), nil, true
	}
	sb, ok := m.sandboxOf(c)
	if !ok {
		return m.warn("the sandbox of " + convLabel(c) + " is gone"), nil, true
	}
	if why := convRefusal(a, c, sb); why != "" {
		return m.warn(why), nil, true
	}
	req := convRequest{action: a, conv: c, sb: sb}
	if a == convSend {
		cm, cmd := composer.New(m.th, m.cfg.Keys.Composer, "message to "+convLabel(c)+" in "+sb.ID, m.conv.drafts[c.Key()], req)
		m.composer = &cm
		return m, cmd, true
	}
	title, body, yes := explainConv(req)
	if a == convAccept || a == convReject {
		// Name the action at stake when its events are open.
		if ev, ok := m.conv.events.Pending(); ok && m.conv.events.Key() == c.Key() {
			body += " Pending: " + ev.Summary
		}
	}
	dlg := confirm.New(m.th, m.cfg.Keys.Confirm, title, body, yes, req)
	m.confirm = &dlg
	return m, nil, true
}

// convRefusal explains at once why an action cannot apply, instead of
// after a round trip to the agent-server.
func convRefusal(a convAction, c backend.Conversation, sb backend.Sandbox) string {
	name := convLabel(c)
	if sb.Status != backend.StatusRunning {
		return fmt.Sprintf("%s is in sandbox %s, which is %s: resume the sandbox first (r)", name, sb.ID, sb.Status)
	}
	switch a {
	case convAccept, convReject:
		if c.Status != backend.ExecWaitingForConfirmation {
			return fmt.Sprintf("%s is %s: there is no pending action to %s", name, statusWord(c.Status), a)
		}
	case convPause:
		if c.Status == backend.ExecPaused {
			return name + " is already paused"
		}
		if c.Status != backend.ExecRunning && c.Status != backend.ExecWaitingForConfirmation {
			return fmt.Sprintf("%s is %s: only a running agent can be paused", name, statusWord(c.Status))
		}
	case convRun:
		if c.Status == backend.ExecRunning {
			return name + " is already running"
		}
	case convInterrupt:
		if c.Status != backend.ExecRunning {
			return fmt.Sprintf("%s is %s: there is nothing to interrupt", name, statusWord(c.Status))
		}
	case convStop:
		if sb.Flavor != backend.FlavorNestedV0 {
			return "only V0 conversations stop; pause (P), interrupt (I) or delete (D) this one"
		}
	}
	return ""
}

func statusWord(s backend.ExecutionStatus) string {
	if s == "" {
		return "in an unknown state"
	}
	return string(s)
}

// explainConv is the confirmation text: which conversation, what it is
// doing, and what the action changes.
func explainConv(r convRequest) (title, body, yes string) {
	name := convLabel(r.conv)
	where := fmt.Sprintf("%s in sandbox %s is %s. ", name, r.sb.ID, statusWord(r.conv.Status))
	switch r.action {
	case convPause:
		body = "The agent stops after its current step; R runs it again. Nothing is deleted."
	case convRun:
		body = "The agent continues from where it stopped. It may call the LLM, run commands and spend tokens."
	case convInterrupt:
		body = "Cancels the agent's LLM call in flight at once. (Agent-servers older than 1.23 cannot interrupt: the conversation is paused instead and stops after its current step.)"
	case convDelete:
		body = "Deletes the conversation and its whole event history from the agent-server. The sandbox keeps running. This cannot be undone."
	case convStop:
		body = "Stops the V0 agent loop, waits until it reports STOPPED, then stops its runtime container " + r.sb.ID + " (r starts it again)."
	case convAccept:
		body = "The agent runs the action it is waiting to run, and carries on."
	case convReject:
		body = "The agent does not run the pending action; it is told it was rejected and decides what to do next."
	}
	return fmt.Sprintf("%s conversation %s", r.action, name), where + body, string(r.action)
}

// runConv runs a confirmed conversation action (or a composed message) in
// a Cmd with a timeout, like sandbox actions.
func (m Model) runConv(req convRequest) (Model, tea.Cmd) {
	words := convWords[req.action]
	target := convLabel(req.conv)
	m.opSeq++
	id := m.opSeq
	m.ops[id] = operation{desc: words[0] + " " + target, done: words[1] + " " + target, started: m.now()}
	src, ctx, timeout := m.cfg.Conversations, m.ctx, m.cfg.ActionTimeout
	var stopper backend.SandboxStopper
	if b, ok := m.cfg.Hub.Backend(req.sb.Source); ok {
		stopper, _ = b.(backend.SandboxStopper)
	}
	return m, func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		done := convDoneMsg{opDoneMsg: opDoneMsg{id: id}, req: req}
		sb, cid := req.sb, req.conv.ID
		switch req.action {
		case convPause:
			done.err = src.Pause(ctx, sb, cid)
		case convRun:
			done.err = src.Run(ctx, sb, cid)
		case convInterrupt:
			var out backend.InterruptOutcome
			out, done.err = src.Interrupt(ctx, sb, cid)
			if done.err == nil && out == backend.PausedInstead {
				done.note = "this agent-server cannot interrupt: the conversation was paused instead and stops after its current step"
			}
		case convDelete:
			done.err = src.Delete(ctx, sb, cid)
		case convStop:
			done.err = stopV0(ctx, src, stopper, sb, cid)
		case convAccept, convReject:
			done.err = src.RespondToConfirmation(ctx, sb, cid, req.action == convAccept, "")
		case convSend:
			done.err = src.SendMessage(ctx, sb, cid, req.text)
		}
		return done
	}
}

// stopV0 stops a V0 conversation, then its container.
func stopV0(ctx context.Context, src ConversationSource, stopper backend.SandboxStopper, sb backend.Sandbox, id string) error {
	st, ok := src.(backend.ConversationStopper)
	if !ok {
		return fmt.Errorf("stop: %w", backend.ErrUnsupported)
	}
	if err := st.StopConversation(ctx, sb, id); err != nil {
		return err
	}
	if stopper == nil {
		return fmt.Errorf("conversation stopped, but its backend cannot stop the container %s: %w", sb.ID, backend.ErrUnsupported)
	}
	return stopper.Stop(ctx, sb.ID)
}

// convDoneMsg reports the end of a conversation action.
type convDoneMsg struct {
	opDoneMsg
	req  convRequest
	note string
}

// finishConv reports the result and refreshes the list: the action most
// likely changed the conversation's status.
func (m Model) finishConv(msg convDoneMsg) (Model, tea.Cmd) {
	if msg.err != nil && msg.req.action == convSend {
		// Bad input or a lost connection must not lose what was typed.
		m.conv.drafts[msg.req.conv.Key()] = msg.req.text
	}
	m = m.finishOp(msg.opDoneMsg)
	if msg.err != nil && errors.Is(msg.err, backend.ErrConflict) && msg.req.action == convRun {
		// After a pause the agent-server still finishes the step in
		// flight; until then it answers "already running".
		m = m.warn(convLabel(msg.req.conv) + ": the agent-server says it is still running (a paused agent finishes its current step first); try R again in a moment")
	} else if msg.err == nil && msg.note != "" {
		m = m.warn(msg.note)
	}
	if msg.err == nil && msg.req.action == convSend {
		delete(m.conv.drafts, msg.req.conv.Key())
	}
	return m.refreshConversations()
}

// composed handles the composer closing.
func (m Model) composed(msg tea.Msg) (Model, tea.Cmd) {
	m.composer = nil
	switch msg := msg.(type) {
	case composer.SubmitMsg:
		req, ok := msg.Payload.(convRequest)
		if !ok {
			return m, nil
		}
		req.text = msg.Text
		return m.runConv(req)
	case composer.CancelMsg:
		if req, ok := msg.Payload.(convRequest); ok {
			if msg.Draft != "" {
				m.conv.drafts[req.conv.Key()] = msg.Draft
				return m.info("message not sent; the draft is kept (m opens it again)"), nil
			}
			delete(m.conv.drafts, req.conv.Key())
		}
		return m.info("message not sent"), nil
	}
	return m, nil
}

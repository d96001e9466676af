package convtab

import (
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/pane"
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

// Act handles the conversation keys while the tab is shown: it checks the
// action makes sense, then asks for its confirmation (or the composer).
func (m Model) Act(kp tea.KeyPressMsg) (pane.Pane, tea.Cmd, bool) {
	if m.cfg.Source == nil {
		return m, nil, false
	}
	k := m.c.Keys.Root
	if key.Matches(kp, k.ConvNew) {
		m, cmd := m.newConversation()
		return m, cmd, true
	}
	if key.Matches(kp, k.ConvScope) {
		m.all = !m.all
		m, cmd := m.refresh()
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
	if bulkVerbs[a] && m.list.MarkCount() > 0 {
		// Marks take over from the cursor: the action is for them all.
		m, cmd := m.bulkConv(a)
		return m, cmd, true
	}
	host := m.c.Host
	c, ok := m.focusedConversation()
	if m.c.ReadOnly {
		r := pane.Refusal{Kind: "conversation", Action: string(a)}
		if ok {
			r.Target, r.Source = c.ID, c.Source
			if sb, found := m.sandboxOf(c); found {
				r.Sandbox, r.Source = sb.ID, sb.Source
			}
		}
		host.Refuse(r)
		return m, nil, true
	}
	if !ok {
		host.Warn("no conversation selected")
		return m, nil, true
	}
	sb, ok := m.sandboxOf(c)
	if !ok {
		host.Warn("the sandbox of " + convLabel(c) + " is gone")
		return m, nil, true
	}
	if why := convRefusal(a, c, sb); why != "" {
		host.Warn(why)
		return m, nil, true
	}
	req := convRequest{action: a, conv: c, sb: sb}
	if a == convSend {
		host.Compose("message to "+convLabel(c)+" in "+sb.ID, m.drafts[c.Key()], req)
		return m, nil, true
	}
	title, body, yes := explainConv(req)
	if a == convAccept || a == convReject {
		// Name the action at stake when its events are open.
		if ev, ok := m.events.Pending(); ok && m.events.Key() == c.Key() {
			body += " Pending: " + ev.Summary
		}
	}
	host.Confirm(title, body, yes, req)
	return m, nil, true
}

// convRefusal explains at once why an action cannot apply, instead of
// after a round trip to the agent-server. Which actions fit which
// execution status is backend.CheckConversation, the rule the command
// line follows too; the sandbox's state and V0's stop are the dashboard's
// own, with its keys for what to do instead.
func convRefusal(a convAction, c backend.Conversation, sb backend.Sandbox) string {
	name := convLabel(c)
	if sb.Status != backend.StatusRunning {
		return fmt.Sprintf("%s is in sandbox %s, which is %s: resume the sandbox first (r)", name, sb.ID, sb.Status)
	}
	if a == convStop && sb.Flavor != backend.FlavorNestedV0 {
		return "only V0 conversations stop; pause (P), interrupt (I) or delete (D) this one"
	}
	if err := backend.CheckConversation(backend.ConversationVerb(a), name, c.Status); err != nil {
		return err.Error()
	}
	return ""
}

// statusWord is an execution status in words ("waiting for
// confirmation"), not the agent-server's raw value.
func statusWord(s backend.ExecutionStatus) string { return s.Words() }

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
	if r.action == convAccept || r.action == convReject {
		// What is accepted or rejected is the pending action, not the
		// conversation.
		return fmt.Sprintf("%s the pending action of %s", r.action, name), where + body, string(r.action)
	}
	return fmt.Sprintf("%s conversation %s", r.action, name), where + body, string(r.action)
}

// composed handles the composer closing on one of this tab's messages.
func (m Model) composed(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case composer.SubmitMsg:
		if req, ok := msg.Payload.(newRequest); ok {
			return m.runNew(req, msg.Text)
		}
		req, ok := msg.Payload.(convRequest)
		if !ok {
			return m, nil
		}
		req.text = msg.Text
		return m.runConv(req)
	case composer.CancelMsg:
		if req, ok := msg.Payload.(newRequest); ok {
			m.drafts[req.draftKey()] = msg.Draft
			m.c.Host.Info("no conversation started")
			return m, nil
		}
		req, ok := msg.Payload.(convRequest)
		if !ok {
			return m, nil
		}
		if msg.Draft != "" {
			m.drafts[req.conv.Key()] = msg.Draft
			m.c.Host.Info("message not sent; the draft is kept (m opens it again)")
			return m, nil
		}
		delete(m.drafts, req.conv.Key())
		m.c.Host.Info("message not sent")
	}
	return m, nil
}

// confirmed runs a confirmed conversation action; a cancelled one says so.
func (m Model) confirmed(res confirm.ResultMsg) (Model, tea.Cmd) {
	req, ok := res.Payload.(convRequest)
	if !ok {
		return m, nil
	}
	if !res.Confirmed {
		m.c.Host.Info("cancelled")
		return m, nil
	}
	return m.runConv(req)
}

package convtab

import (
	"context"
	"errors"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/pane"
)

// runConv runs a confirmed conversation action (or a composed message) in
// a Cmd with a timeout, like sandbox actions.
func (m Model) runConv(req convRequest) (Model, tea.Cmd) {
	words := convWords[req.action]
	target := convLabel(req.conv)
	id := m.c.Host.StartOp(words[0]+" "+target, words[1]+" "+target, m.c.Now())
	src, ctx, timeout := m.cfg.Source, m.c.Ctx, m.c.ActionTimeout
	var stopper backend.SandboxStopper
	if b, ok := m.c.Hub.Backend(req.sb.Source); ok && backend.Supports(b, backend.CapStop) {
		stopper, _ = b.(backend.SandboxStopper)
	}
	return m, func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		done := convDoneMsg{OpDoneMsg: pane.OpDoneMsg{ID: id}, req: req}
		sb, cid := req.sb, req.conv.ID
		switch req.action {
		case convPause:
			done.Err = src.Pause(ctx, sb, cid)
		case convRun:
			done.Err = src.Run(ctx, sb, cid)
		case convInterrupt:
			var out backend.InterruptOutcome
			out, done.Err = src.Interrupt(ctx, sb, cid)
			if done.Err == nil && out == backend.PausedInstead {
				done.note = "this agent-server cannot interrupt: the conversation was paused instead and stops after its current step"
			}
		case convDelete:
			done.Err = src.Delete(ctx, sb, cid)
		case convStop:
			done.Err = stopV0(ctx, src, stopper, sb, cid)
		case convAccept, convReject:
			done.Err = src.RespondToConfirmation(ctx, sb, cid, req.action == convAccept, "")
		case convSend:
			done.Err = src.SendMessage(ctx, sb, cid, req.text)
		}
		return done
	}
}

// stopV0 stops a V0 conversation, then its container.
func stopV0(ctx context.Context, src Source, stopper backend.SandboxStopper, sb backend.Sandbox, id string) error {
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
	pane.OpDoneMsg
	req  convRequest
	note string
}

// finishConv reports the result and refreshes the list: the action most
// likely changed the conversation's status.
func (m Model) finishConv(msg convDoneMsg) (Model, tea.Cmd) {
	if msg.Err != nil && msg.req.action == convSend {
		// Bad input or a lost connection must not lose what was typed.
		m.drafts[msg.req.conv.Key()] = msg.req.text
	}
	m.c.Host.FinishOp(msg.OpDoneMsg)
	if msg.Err != nil && errors.Is(msg.Err, backend.ErrConflict) && msg.req.action == convRun {
		// After a pause the agent-server still finishes the step in
		// flight; until then it answers "already running".
		m.c.Host.Warn(convLabel(msg.req.conv) + ": the agent-server says it is still running (a paused agent finishes its current step first); try R again in a moment")
	} else if msg.Err == nil && msg.note != "" {
		m.c.Host.Warn(msg.note)
	}
	if msg.Err == nil && msg.req.action == convSend {
		delete(m.drafts, msg.req.conv.Key())
	}
	return m.refresh()
}

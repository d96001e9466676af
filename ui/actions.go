package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/pane"
)

// actionRequest is the payload of a confirmation dialog.
type actionRequest struct {
	action backend.Action
	sb     backend.Sandbox
	source string
}

var actionWords = map[backend.Action][2]string{
	backend.ActionStart:  {"creating a sandbox on", "created a sandbox on"},
	backend.ActionPause:  {"pausing", "paused"},
	backend.ActionResume: {"resuming", "resumed"},
	backend.ActionDelete: {"deleting", "deleted"},
}

// sandboxAction opens the confirmation for a sandbox action key, after
// checking that the action makes sense for the selected sandbox.
func (m Model) sandboxAction(kp tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	var a backend.Action
	switch {
	case key.Matches(kp, m.keys.Start):
		a = backend.ActionStart
	case key.Matches(kp, m.keys.Pause):
		a = backend.ActionPause
	case key.Matches(kp, m.keys.Resume):
		a = backend.ActionResume
	case key.Matches(kp, m.keys.Delete):
		a = backend.ActionDelete
	default:
		return m, nil, false
	}
	if a != backend.ActionStart && m.table.MarkCount() > 0 {
		// Marks take over from the cursor: the action is for them all.
		m, cmd := m.bulkSandboxAction(a)
		return m, cmd, true
	}
	sel, ok := m.table.Selected()
	if m.cfg.ReadOnly {
		r := Refusal{Kind: "sandbox", Action: string(a), Source: sel.Source, Target: sel.ID}
		if a == backend.ActionStart {
			r.Target = ""
			if r.Source == "" && len(m.sources) > 0 {
				r.Source = m.sources[0]
			}
		}
		m, cmd := m.refuseReadOnly(r)
		return m, cmd, true
	}
	req := actionRequest{action: a, sb: sel, source: sel.Source}
	if a == backend.ActionStart {
		if !ok && len(m.sources) > 0 {
			req.source = m.sources[0]
		}
		if req.source == "" {
			return m.warn("no backend to create a sandbox on"), nil, true
		}
	} else if !ok {
		return m.warn("no sandbox selected"), nil, true
	}
	if why := refusal(a, sel); why != "" {
		return m.warn(why), nil, true
	}
	title, body, yes := m.explain(req)
	c := confirm.New(m.th, m.cfg.Keys.Confirm, title, body, yes, req)
	m.confirm = &c
	return m, nil, true
}

// refusal explains why an action cannot apply to a sandbox in its state,
// so the user is told at once instead of after a round trip.
func refusal(a backend.Action, sb backend.Sandbox) string {
	switch a {
	case backend.ActionPause:
		if sb.Status != backend.StatusRunning && sb.Status != backend.StatusStarting {
			return fmt.Sprintf("%s is %s: only a running sandbox can be paused", sb.ID, sb.Status)
		}
	case backend.ActionResume:
		if sb.Status == backend.StatusRunning {
			return sb.ID + " is already running"
		}
		if sb.Status == backend.StatusMissing {
			return sb.ID + " is missing: there is nothing to resume"
		}
	}
	return ""
}

// explain builds the confirmation text: what the action does and what is
// at stake, in the backend's own words when it offers them.
func (m Model) explain(r actionRequest) (title, body, yes string) {
	b, _ := m.cfg.Hub.Backend(r.source)
	// The backend explains its own actions, except a start from an image
	// the user chose: the backend only knows its default spec.
	if ex, ok := b.(backend.Explainer); ok && backend.Supports(b, backend.CapExplain) && !(r.action == backend.ActionStart && m.cfg.Start.Image != "") {
		body = ex.Explain(r.action, r.sb)
	}
	switch r.action {
	case backend.ActionStart:
		img := m.cfg.Start.Image
		if img == "" {
			img = "the default agent-server image"
		}
		title = "create a sandbox on " + r.source
		if body == "" {
			body = "Starts a new sandbox from " + img + " with a fresh session key."
		}
		return title, body, "create"
	case backend.ActionPause:
		if body == "" {
			body = "Freezes every process in the sandbox. Its agent-server and conversations stop answering until it is resumed; nothing is deleted."
		}
	case backend.ActionResume:
		if body == "" {
			body = "Starts the sandbox's processes again. Conversations become reachable once its agent-server is healthy."
		}
	case backend.ActionDelete:
		if body == "" {
			body = "Stops the sandbox and removes it. Conversations and files inside it are lost. This cannot be undone."
		}
	}
	return string(r.action) + " " + r.sb.ID, body, string(r.action)
}

// confirmed runs the action the user confirmed, in a Cmd with a timeout:
// input never waits for the backend.
func (m Model) confirmed(res confirm.ResultMsg) (tea.Model, tea.Cmd) {
	req, ok := res.Payload.(actionRequest)
	if !ok || !res.Confirmed {
		return m.info("cancelled"), nil
	}
	b, ok := m.cfg.Hub.Backend(req.source)
	if !ok {
		return m.fail(fmt.Errorf("backend %q is gone", req.source)), nil
	}
	words := actionWords[req.action]
	target := req.sb.ID
	if req.action == backend.ActionStart {
		target = req.source
	}
	id := m.host.StartOp(words[0]+" "+target, words[1]+" "+target, m.now())
	ctx, timeout, start := m.ctx, m.cfg.ActionTimeout, m.cfg.Start
	run := func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		var err error
		switch req.action {
		case backend.ActionStart:
			var sb backend.Sandbox
			sb, err = b.Start(ctx, start)
			if err == nil {
				return pane.OpDoneMsg{ID: id, Created: sb.ID}
			}
		case backend.ActionPause:
			err = b.Pause(ctx, req.sb.ID)
		case backend.ActionResume:
			err = b.Resume(ctx, req.sb.ID)
		case backend.ActionDelete:
			err = b.Delete(ctx, req.sb.ID)
		}
		return pane.OpDoneMsg{ID: id, Err: err}
	}
	return m, run
}

// finishOp reports how a sandbox action ended.
func (m Model) finishOp(msg pane.OpDoneMsg) Model {
	m.host.FinishOp(msg)
	m, _ = m.drain(nil)
	return m
}

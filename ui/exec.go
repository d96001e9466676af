package ui

import (
	"context"
	"fmt"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/shell"
)

// shellDoneMsg reports the end of a shell or a command run (e) with the
// dashboard stepped aside.
type shellDoneMsg struct {
	sandbox string
	what    string
	code    int
	stopped bool
	err     error
}

// runPrompt is the payload of the composer that asks for a command line
// for a sandbox without an exec API.
type runPrompt struct {
	sb     backend.Sandbox
	source string
}

// execAction handles e (shell) and o (URLs) on the selected sandbox.
func (m Model) execAction(kp tea.KeyPressMsg) (Model, tea.Cmd, bool) {
	switch {
	case key.Matches(kp, m.keys.Exec):
		m, cmd := m.openShell()
		return m, cmd, true
	case key.Matches(kp, m.keys.URLs) && m.focus == focusTable:
		m, cmd := m.openURLs()
		return m, cmd, true
	}
	return m, nil, false
}

// openShell suspends the dashboard for an interactive shell in the
// selected sandbox (Docker exec), or asks for a command line to run
// through the agent-server's bash API where there is no exec.
func (m Model) openShell() (Model, tea.Cmd) {
	sel, ok := m.table.Selected()
	if !ok {
		return m.warn("no sandbox selected"), nil
	}
	if m.cfg.ReadOnly {
		return m.refuseReadOnly(Refusal{Kind: "sandbox", Action: "exec", Source: sel.Source, Target: sel.ID})
	}
	name := backend.SafeText(sel.ID)
	if sel.Status != backend.StatusRunning {
		return m.warn(fmt.Sprintf("%s is %s: a shell needs a running sandbox", name, sel.Status)), nil
	}
	b, ok := m.cfg.Hub.Backend(sel.Source)
	if !ok {
		return m.fail(fmt.Errorf("backend %q is gone", sel.Source)), nil
	}
	if ex, ok := b.(backend.Execer); ok && backend.Supports(b, backend.CapExec) {
		id := sel.ID
		sh := shell.NewShell(m.ctx, name, backend.ExecRequest{Shell: m.cfg.Shell}, func(ctx context.Context, req backend.ExecRequest) (int, error) {
			return ex.Exec(ctx, id, req)
		})
		return m, tea.Exec(sh, func(err error) tea.Msg {
			return shellDoneMsg{sandbox: name, what: "shell", code: sh.Code, err: err}
		})
	}
	if backend.Supports(b, backend.CapCommand) {
		title := "run in " + name + " (bash API: no terminal, no input)"
		c, cc := composer.New(m.th, m.cfg.Keys.Composer, title, "", runPrompt{sb: sel, source: sel.Source})
		c = c.WithPlaceholder("a command line, e.g. ls -la /workspace")
		m.composer = &c
		return m, cc
	}
	return m.warn(fmt.Sprintf("the %s backend can run nothing inside its sandboxes", backend.SafeText(sel.Source))), nil
}

// runCommand runs the command line typed for a sandbox without an exec
// API, with the dashboard stepped aside while its output streams.
func (m Model) runCommand(p runPrompt, line string) (Model, tea.Cmd) {
	b, ok := m.cfg.Hub.Backend(p.source)
	cr, isRunner := b.(backend.CommandRunner)
	if !ok || !isRunner {
		return m.fail(fmt.Errorf("backend %q is gone", p.source)), nil
	}
	name, id := backend.SafeText(p.sb.ID), p.sb.ID
	r := shell.NewRunner(m.ctx, name, line, m.reveal, func(ctx context.Context, req backend.CommandRequest) (int, error) {
		return cr.RunCommand(ctx, id, req)
	})
	return m, tea.Exec(r, func(err error) tea.Msg {
		return shellDoneMsg{sandbox: name, what: "command", code: r.Code, stopped: r.Stopped, err: err}
	})
}

// execMsg handles the messages of e and o; ok is false for the others.
func (m Model) execMsg(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case shellDoneMsg:
		switch {
		case msg.err != nil:
			return m.fail(fmt.Errorf("%s in %s: %w", msg.what, msg.sandbox, msg.err)), nil, true
		case msg.stopped:
			return m.info(fmt.Sprintf("stopped following the command in %s", msg.sandbox)), nil, true
		}
		text := fmt.Sprintf("%s in %s ended: exit code %d", msg.what, msg.sandbox, msg.code)
		if msg.code != 0 {
			return m.warn(text), nil, true
		}
		return m.info(text), nil, true
	case composer.SubmitMsg:
		if p, ok := msg.Payload.(runPrompt); ok {
			m.composer = nil
			m, cmd := m.runCommand(p, msg.Text)
			return m, cmd, true
		}
	case composer.CancelMsg:
		if _, ok := msg.Payload.(runPrompt); ok {
			m.composer = nil
			return m.info("cancelled"), nil, true
		}
	case openedMsg:
		if msg.err != nil {
			return m.fail(msg.err), nil, true
		}
		return m.info("opened " + msg.what + " in the browser"), nil, true
	}
	return m, nil, false
}

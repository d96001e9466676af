package ui

import (
	"slices"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/alertpane"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/convtab"
	"github.com/ohdash/ohdash/ui/detailtab"
	"github.com/ohdash/ohdash/ui/logtab"
	"github.com/ohdash/ohdash/ui/pane"
	"github.com/ohdash/ohdash/ui/restab"
	"github.com/ohdash/ohdash/ui/spendtab"
)

// register is the registry of the panes under the sandboxes table, in
// tab-bar order. Adding a pane is writing its package (a pane.Pane) and
// one line here; everything else iterates over the panes.
func register(c pane.Context, cfg Config) []pane.Pane {
	panes := []pane.Pane{
		logtab.New(c, cfg.Logs),
		detailtab.New(c),
		convtab.New(c, convtab.Config{Source: cfg.Conversations, Refresh: cfg.ConversationRefresh, Starter: cfg.ConversationStarter}),
		restab.New(c, cfg.statsEvery()),
		alertpane.New(c),
		spendtab.New(c, spendtab.Config{Source: cfg.Conversations, Monitor: cfg.Spend, Refresh: cfg.ConversationRefresh}),
	}
	for _, p := range cfg.ExtraPanes {
		panes = append(panes, p(c))
	}
	return panes
}

// paneContext is the context every pane shares.
func (m Model) paneContext() pane.Context {
	return pane.Context{
		Ctx: m.ctx, Theme: m.th, Now: m.now, Keys: m.cfg.Keys, Hub: m.cfg.Hub,
		ReadOnly: m.cfg.ReadOnly, LowBandwidth: m.cfg.LowBandwidth,
		ActionTimeout: m.cfg.ActionTimeout, Host: m.host, Alerts: m.notifier(),
	}
}

// world is what the table shows, as the panes see it.
func (m Model) world(settled bool) pane.World {
	sel, ok := m.table.Selected()
	return pane.World{Selected: sel, OK: ok, Sandboxes: m.allSandboxes(), Reveal: m.reveal, Settled: settled}
}

// allSandboxes lists every sandbox in source order.
func (m Model) allSandboxes() []backend.Sandbox {
	var out []backend.Sandbox
	for _, src := range m.sources {
		out = append(out, m.snaps[src].Sandboxes...)
	}
	return out
}

// eachPane applies f to every pane, then carries out their requests. The
// slice is copied first: a Model is a value, and an older copy must not
// see the change.
func (m Model) eachPane(f func(pane.Pane) (pane.Pane, tea.Cmd)) (Model, tea.Cmd) {
	m.panes = slices.Clone(m.panes)
	cmds := make([]tea.Cmd, len(m.panes))
	for i, p := range m.panes {
		m.panes[i], cmds[i] = f(p)
	}
	return m.drain(tea.Batch(cmds...))
}

// selectAll tells every pane what the table shows.
func (m Model) selectAll(settled bool) (Model, tea.Cmd) {
	w := m.world(settled)
	return m.eachPane(func(p pane.Pane) (pane.Pane, tea.Cmd) { return p.Select(w) })
}

// active is the pane shown.
func (m Model) active() pane.Pane { return m.panes[m.tab] }

// setActive replaces the pane shown after it handled something, and
// carries out what it asked of the root.
func (m Model) setActive(p pane.Pane, cmd tea.Cmd) (Model, tea.Cmd) {
	m.panes = slices.Clone(m.panes)
	m.panes[m.tab] = p
	return m.drain(cmd)
}

// drain carries out the panes' requests: notices, a confirmation, the
// composer. It runs right after a pane's Update, so a dialog a key asked
// for is open before the next key arrives.
func (m Model) drain(cmd tea.Cmd) (Model, tea.Cmd) {
	cmds := []tea.Cmd{cmd}
	for _, a := range m.host.Take() {
		switch a.Kind {
		case pane.AskInfo:
			m = m.info(a.Text)
		case pane.AskWarn:
			m = m.warn(a.Text)
		case pane.AskFail:
			m = m.fail(a.Err)
		case pane.AskRefuse:
			var cmd tea.Cmd
			m, cmd = m.refuseReadOnly(a.Refusal)
			cmds = append(cmds, cmd)
		case pane.AskConfirm:
			c := confirm.New(m.th, m.cfg.Keys.Confirm, a.Text, a.Body, a.Yes, a.Payload)
			m.confirm = &c
		case pane.AskCompose:
			c, cc := composer.New(m.th, m.cfg.Keys.Composer, a.Text, a.Draft, a.Payload)
			m.composer = &c
			cmds = append(cmds, cc)
		}
	}
	return m, tea.Batch(cmds...)
}

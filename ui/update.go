package ui

import (
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/bulk"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/pane"
)

// Update implements tea.Model: global messages first, then keys in order
// of precedence (dialog, help, text inputs, global keys, actions, the
// focused component). After each message, resource sampling starts or
// stops with what the screen now shows.
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	nm, sc := next.(Model).syncSampling()
	if sc == nil {
		return nm, cmd
	}
	return nm, tea.Batch(cmd, sc)
}

func (m Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	if next, cmd, ok := m.execMsg(msg); ok {
		return next, cmd
	}
	if next, cmd, ok := m.policyMsg(msg); ok {
		return next, cmd
	}
	switch msg := msg.(type) {
	case statsTickMsg:
		return m.sample(msg.gen)
	case statsResultMsg:
		return m.applyStats(msg)
	case tea.FocusMsg:
		m.stats.blurred = false
		return m.forwardAll(msg)
	case tea.BlurMsg:
		// The terminal is hidden or in the background: nobody looks.
		m.stats.blurred = true
		return m.forwardAll(msg)
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m.layout(), nil
	case tea.BackgroundColorMsg:
		if !m.cfg.FixedTheme {
			th := theme.New(msg.IsDark())
			if m.th.Mono {
				th = th.Monochrome()
			}
			m = m.setTheme(th)
		}
		return m, nil
	case watchStartedMsg:
		m.watch = msg.ch
		return m, waitSnapshot(msg.ch)
	case snapshotMsg:
		m, cmd := m.applySnapshot(msg.snap)
		m, qc := m.quicken()
		return m, tea.Batch(cmd, qc, waitSnapshot(msg.ch))
	case settledMsg:
		if msg.n != m.settle {
			return m, nil
		}
		m.followed = ""
		if sel, ok := m.table.Selected(); ok {
			m.followed = sel.Key()
		}
		return m.selectAll(true)
	case composer.SubmitMsg, composer.CancelMsg:
		m.composer = nil
		return m.forwardAll(msg)
	case watchClosedMsg:
		return m, nil
	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil
		}
		m = m.expireMessage()
		m.tickEvery = m.clockRate()
		return m, tick(m.tickGen, m.tickEvery)
	case pane.OpDoneMsg:
		return m.finishOp(msg).quicken()
	case bulk.ResultMsg:
		if m.bulk == nil || msg.Batch != m.bulk.ID {
			return m.forwardAll(msg) // a pane's batch
		}
		return m.bulkResult(msg)
	case bulk.DoneMsg:
		if m.bulk == nil || msg.Batch != m.bulk.ID {
			return m.forwardAll(msg)
		}
		return m.bulkDone(), nil
	case confirm.ResultMsg:
		m.confirm = nil
		if req, ok := msg.Payload.(bulkRequest); ok {
			if !msg.Confirmed {
				return m.info("cancelled"), nil
			}
			m, cmd := m.runBulk(req)
			m, qc := m.quicken()
			return m, tea.Batch(cmd, qc)
		}
		if _, ok := msg.Payload.(actionRequest); !ok {
			// A pane's dialog: the pane that asked answers it.
			return m.forwardAll(msg)
		}
		next, cmd := m.confirmed(msg)
		m, qc := next.(Model).quicken()
		return m, tea.Batch(cmd, qc)
	case tea.KeyPressMsg:
		next, cmd := m.handleKey(msg)
		m, qc := next.(Model).quicken()
		return m, tea.Batch(cmd, qc)
	}
	return m.forwardAll(msg)
}

// clockRate is how often the screen has something to update by itself:
// every second while a countdown, an action or a fresh age is shown, else
// only for ages in minutes.
func (m Model) clockRate() time.Duration {
	fast := fastTick
	if m.cfg.LowBandwidth {
		fast = lowBandwidthTick
	}
	if m.host.Busy() || m.msg.text != "" || m.active().Ticking() {
		return fast
	}
	now := m.now()
	for _, s := range m.snaps {
		if s.Conn.Phase == backend.ConnReconnecting || s.Conn.Phase == backend.ConnUnresponsive {
			return fast // a countdown, or "not answering for Ns"
		}
		for _, sb := range s.Sandboxes {
			if !sb.CreatedAt.IsZero() && now.Sub(sb.CreatedAt) < time.Minute {
				return fast
			}
		}
	}
	return slowTick
}

// quicken starts a faster clock chain at once when the screen needs one
// sooner than the current chain would wake up (a new action, a countdown).
func (m Model) quicken() (Model, tea.Cmd) {
	rate := m.clockRate()
	if rate >= m.tickEvery {
		return m, nil
	}
	m.tickGen++
	m.tickEvery = rate
	return m, tick(m.tickGen, rate)
}

func (m Model) setTheme(th theme.Theme) Model {
	m.th = th
	m.help.Styles = helpStyles(th)
	m.table = m.table.SetTheme(th)
	m, _ = m.eachPane(func(p pane.Pane) (pane.Pane, tea.Cmd) { return p.SetTheme(th), nil })
	return m
}

// applySnapshot replaces one source's rows and refreshes what depends on
// the selection.
func (m Model) applySnapshot(s backend.Snapshot) (Model, tea.Cmd) {
	if !slices.Contains(m.sources, s.Source) {
		m.sources = append(m.sources, s.Source)
	}
	if s.Notice != nil && s.Notice != m.snaps[s.Source].Notice {
		// Said once: later snapshots carry the same notice.
		m = m.warn(backend.CleanText(s.Source + ": " + s.Notice.Error()))
	}
	m.snaps[s.Source] = s
	var all []backend.Sandbox
	for _, src := range m.sources {
		all = append(all, m.snaps[src].Sandboxes...)
	}
	m.res.Prune(all)
	m.table = m.table.SetSandboxes(all).SetEmptyNote(m.emptyNote())
	return m.selectionChanged()
}

// selectionChanged tells the panes at once (the details are cheap to
// redraw) and schedules the settled selection, which opens streams, for
// when the cursor rests.
func (m Model) selectionChanged() (Model, tea.Cmd) {
	m, cmd := m.selectAll(false)
	if sel, ok := m.table.Selected(); ok && sel.Key() == m.followed {
		return m, cmd
	}
	m.settle++
	return m, tea.Batch(cmd, settleAfter(m.settle))
}

// capturing reports whether a text input has the keyboard, so keys are
// typed rather than taken as shortcuts.
func (m Model) capturing() bool {
	if m.focus == focusPane {
		return m.active().Capturing()
	}
	return m.table.Capturing()
}

// paneWantsEsc reports whether the focused pane uses esc itself (to clear
// a search), so it must not mean "back".
func (m Model) paneWantsEsc() bool {
	return m.focus == focusPane && m.active().WantsEsc()
}

func (m Model) handleKey(kp tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.confirm != nil {
		c, cmd := m.confirm.Update(kp)
		m.confirm = &c
		return m, cmd
	}
	if m.urls != nil {
		return m.urlsKey(kp)
	}
	if m.composer != nil {
		c, cmd := m.composer.Update(kp)
		m.composer = &c
		if c.Done() {
			m.composer = nil
		}
		return m, cmd
	}
	if m.showHelp {
		switch {
		case key.Matches(kp, m.keys.Quit):
			return m, tea.Quit
		case key.Matches(kp, m.keys.Help), key.Matches(kp, m.keys.Back):
			m.showHelp = false
		default:
			m = m.scrollHelp(kp)
		}
		return m, nil
	}
	if m.capturing() {
		if kp.String() == "ctrl+c" {
			return m, tea.Quit
		}
		return m.forward(kp)
	}
	switch {
	case key.Matches(kp, m.keys.Quit):
		return m, tea.Quit
	case key.Matches(kp, m.keys.Help):
		m.showHelp, m.helpTop = true, 0
		return m, nil
	case key.Matches(kp, m.keys.Redraw):
		return m, tea.ClearScreen
	case key.Matches(kp, m.keys.Mouse):
		m.mouse = !m.mouse
		return m.info(mouseText(m.mouse)), nil
	case key.Matches(kp, m.keys.NextFocus):
		return m.setFocus(1 - m.focus), nil
	case key.Matches(kp, m.keys.Open) && m.focus == focusTable:
		return m.setFocus(focusPane), nil
	case key.Matches(kp, m.keys.Open) && m.focus == focusPane && !m.paneWantsEsc():
		if p, ok := m.active().Open(); ok {
			m, _ = m.setActive(p, nil)
			return m.setFocus(m.focus), nil
		}
	case key.Matches(kp, m.keys.Back) && m.focus == focusPane && !m.paneWantsEsc():
		if p, ok := m.active().Back(); ok {
			m, _ = m.setActive(p, nil)
			return m.setFocus(m.focus), nil
		}
		return m.setFocus(focusTable), nil
	case key.Matches(kp, m.keys.Zoom):
		m.zoom = !m.zoom
		return m.layout(), nil
	case key.Matches(kp, m.keys.Reveal):
		m.reveal = !m.reveal
		m, _ = m.selectAll(false)
		if m.reveal {
			return m.warn("secrets are shown: x masks them again"), nil
		}
		return m.info("secrets masked"), nil
	case key.Matches(kp, m.keys.Resources):
		return m.toggleColumns(), nil
	case key.Matches(kp, m.keys.Copy), key.Matches(kp, m.keys.CopyURL):
		return m.copySelected(key.Matches(kp, m.keys.CopyURL))
	}
	for i, p := range m.panes {
		if key.Matches(kp, p.Tab()) {
			return m.setTab(i)
		}
	}
	if p, cmd, ok := m.active().Act(kp); ok {
		return m.setActive(p, cmd)
	}
	if next, cmd, ok := m.sandboxAction(kp); ok {
		return next, cmd
	}
	if next, cmd, ok := m.execAction(kp); ok {
		return next, cmd
	}
	if key.Matches(kp, m.keys.MarkWhere) && m.focus == focusTable {
		return m.openPolicyPrompt()
	}
	return m.forward(kp)
}

func mouseText(on bool) string {
	if on {
		return "mouse capture on: the wheel scrolls; M turns it off to select text"
	}
	return "mouse capture off: select text with the terminal; M turns it on"
}

// forward hands a key to what has the focus: the table, or the pane
// shown.
func (m Model) forward(kp tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.focus == focusPane {
		p, cmd := m.active().Update(kp)
		return m.setActive(p, cmd)
	}
	before, _ := m.table.Selected()
	var cmd tea.Cmd
	m.table, cmd = m.table.Update(kp)
	if after, _ := m.table.Selected(); after.Key() != before.Key() {
		var sel tea.Cmd
		m, sel = m.selectionChanged()
		cmd = tea.Batch(cmd, sel)
	}
	return m, cmd
}

// forwardAll hands any other message (stream batches, search steps, input
// cursor ticks, a pane's own results) to the table and every pane; each
// ignores what is not its own.
func (m Model) forwardAll(msg tea.Msg) (tea.Model, tea.Cmd) {
	var tc tea.Cmd
	m.table, tc = m.table.Update(msg)
	m, pc := m.eachPane(func(p pane.Pane) (pane.Pane, tea.Cmd) { return p.Update(msg) })
	m, qc := m.quicken()
	return m, tea.Batch(tc, pc, qc)
}

// setFocus moves the keyboard between the table and the pane shown.
func (m Model) setFocus(f focusArea) Model {
	m.focus = f
	m.table = m.table.Blur()
	m, _ = m.eachPane(func(p pane.Pane) (pane.Pane, tea.Cmd) { return p.Blur(), nil })
	if f == focusTable {
		m.table = m.table.Focus()
	} else {
		m.panes[m.tab] = m.active().Focus()
	}
	return m.layout()
}

// setTab shows a pane; the one it replaces is hidden (a pane may hold a
// stream only while shown).
func (m Model) setTab(t int) (Model, tea.Cmd) {
	focus := m.focus
	if m.zoom || m.height < splitHeight {
		// One thing at a time on screen: a tab asked for is a tab to
		// see, not one switched behind the table.
		focus = focusPane
	}
	if t == m.tab {
		return m.setFocus(focus), nil
	}
	was := m.tab
	m.panes = slices.Clone(m.panes)
	m.panes[was] = m.panes[was].Hide()
	m.tab = t
	m = m.setFocus(focus)
	p, cmd := m.active().Show()
	return m.setActive(p, cmd)
}

func (m Model) copySelected(url bool) (tea.Model, tea.Cmd) {
	sel, ok := m.table.Selected()
	if !ok {
		return m.warn("nothing selected to copy"), nil
	}
	text, what := sel.ID, "id"
	if url {
		text, what = sel.AgentURL(), "agent URL"
		if text == "" {
			return m.warn(sel.ID + " exposes no agent URL"), nil
		}
	}
	// OSC 52 reaches the local clipboard even over SSH.
	return m.info("copied " + what + " of " + sel.ID + " (OSC 52)"), tea.SetClipboard(text)
}

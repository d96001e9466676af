package ui

import (
	"slices"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/confirm"
)

// Update implements tea.Model: global messages first, then keys in order
// of precedence (dialog, help, text inputs, global keys, actions, the
// focused component).
func (m Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
		return m.layout(), nil
	case tea.BackgroundColorMsg:
		if !m.cfg.FixedTheme {
			m = m.setTheme(theme.New(msg.IsDark()))
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
		m, cmd := m.followSelection()
		m, lc := m.refreshConversations()
		return m, tea.Batch(cmd, lc)
	case convListMsg:
		return m.applyConvList(msg)
	case convPollMsg:
		return m.convPoll(msg)
	case convSettledMsg:
		return m.followConversation(msg)
	case convDoneMsg:
		m, cmd := m.finishConv(msg)
		m, qc := m.quicken()
		return m, tea.Batch(cmd, qc)
	case composer.SubmitMsg, composer.CancelMsg:
		m, cmd := m.composed(msg)
		m, qc := m.quicken()
		return m, tea.Batch(cmd, qc)
	case watchClosedMsg:
		return m, nil
	case tickMsg:
		if msg.gen != m.tickGen {
			return m, nil
		}
		m = m.expireMessage()
		m.tickEvery = m.clockRate()
		return m, tick(m.tickGen, m.tickEvery)
	case opDoneMsg:
		return m.finishOp(msg).quicken()
	case confirm.ResultMsg:
		m.confirm = nil
		next, cmd := m.confirmed(msg)
		m, qc := next.(Model).quicken()
		return m, tea.Batch(cmd, qc)
	case tea.KeyPressMsg:
		next, cmd := m.handleKey(msg)
		m, qc := next.(Model).quicken()
		return m, tea.Batch(cmd, qc)
	}
	return m.forward(msg)
}

// clockRate is how often the screen has something to update by itself:
// every second while a countdown, an action or a fresh age is shown, else
// only for ages in minutes.
func (m Model) clockRate() time.Duration {
	fast := fastTick
	if m.cfg.LowBandwidth {
		fast = lowBandwidthTick
	}
	if len(m.ops) > 0 || m.msg.text != "" {
		return fast
	}
	if p := m.conv.events.State().Conn.Phase; m.convVisible() && (p == backend.ConnReconnecting || p == backend.ConnUnresponsive) {
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
	m.details = m.details.SetTheme(th)
	m.logs = m.logs.SetTheme(th)
	m.conv.list = m.conv.list.SetTheme(th)
	m.conv.events = m.conv.events.SetTheme(th)
	return m
}

// applySnapshot replaces one source's rows and refreshes what depends on
// the selection.
func (m Model) applySnapshot(s backend.Snapshot) (Model, tea.Cmd) {
	if !slices.Contains(m.sources, s.Source) {
		m.sources = append(m.sources, s.Source)
	}
	m.snaps[s.Source] = s
	var all []backend.Sandbox
	for _, src := range m.sources {
		all = append(all, m.snaps[src].Sandboxes...)
	}
	m.table = m.table.SetSandboxes(all)
	return m.selectionChanged()
}

// selectionChanged updates the details pane at once (it is cheap) and
// schedules the logs pane to follow once the cursor rests.
func (m Model) selectionChanged() (Model, tea.Cmd) {
	sel, ok := m.table.Selected()
	m.details = m.details.SetSandbox(sel, ok, m.reveal)
	if ok && sel.Key() == m.logKey {
		return m, nil
	}
	m.settle++
	return m, settleAfter(m.settle)
}

// followSelection points the logs pane at the selected sandbox. A backend
// without container logs (a remote runtime) gets a nil streamer, which the
// pane reports as unsupported.
func (m Model) followSelection() (Model, tea.Cmd) {
	sel, ok := m.table.Selected()
	if !ok {
		m.logs = m.logs.Close()
		m.logKey = ""
		return m, nil
	}
	if sel.Key() == m.logKey {
		return m, nil
	}
	var src backend.LogStreamer
	if b, found := m.cfg.Hub.Backend(sel.Source); found {
		src, _ = b.(backend.LogStreamer)
	}
	m.logKey = sel.Key()
	var cmd tea.Cmd
	m.logs, cmd = m.logs.Open(m.ctx, src, sel.ID, sel.ID)
	return m, cmd
}

// capturing reports whether a text input has the keyboard, so keys are
// typed rather than taken as shortcuts.
func (m Model) capturing() bool {
	if m.focus == focusPane && m.tab == tabLogs {
		return m.logs.Capturing()
	}
	if m.focus == focusPane && m.tab == tabConversations {
		if m.conv.area == convEvents {
			return m.conv.events.Capturing()
		}
		return m.conv.list.Capturing()
	}
	return m.table.Capturing()
}

// paneWantsEsc reports whether the focused pane uses esc itself (to clear
// a search), so it must not mean "back".
func (m Model) paneWantsEsc() bool {
	if m.focus != focusPane {
		return false
	}
	switch m.tab {
	case tabLogs:
		return m.logs.SearchActive()
	case tabConversations:
		if m.conv.area == convEvents {
			return m.conv.events.WantsEsc()
		}
		return m.conv.list.WantsEsc()
	}
	return false
}

func (m Model) handleKey(kp tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.confirm != nil {
		c, cmd := m.confirm.Update(kp)
		m.confirm = &c
		return m, cmd
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
	case key.Matches(kp, m.keys.Open) && m.inConvList() && !m.paneWantsEsc():
		return m.setConvArea(convEvents), nil
	case key.Matches(kp, m.keys.Back) && m.focus == focusPane && !m.paneWantsEsc():
		if m.tab == tabConversations && m.conv.area == convEvents {
			return m.setConvArea(convList), nil
		}
		return m.setFocus(focusTable), nil
	case key.Matches(kp, m.keys.Zoom):
		m.zoom = !m.zoom
		return m.layout(), nil
	case key.Matches(kp, m.keys.TabLogs):
		return m.setTab(tabLogs)
	case key.Matches(kp, m.keys.TabDetails):
		return m.setTab(tabDetails)
	case key.Matches(kp, m.keys.TabConversations):
		return m.setTab(tabConversations)
	case key.Matches(kp, m.keys.Reveal):
		m.reveal = !m.reveal
		sel, ok := m.table.Selected()
		m.details = m.details.SetSandbox(sel, ok, m.reveal)
		if m.reveal {
			return m.warn("secrets are shown: x masks them again"), nil
		}
		return m.info("secrets masked"), nil
	case key.Matches(kp, m.keys.Copy), key.Matches(kp, m.keys.CopyURL):
		return m.copySelected(key.Matches(kp, m.keys.CopyURL))
	}
	if next, cmd, ok := m.conversationAction(kp); ok {
		return next, cmd
	}
	if next, cmd, ok := m.sandboxAction(kp); ok {
		return next, cmd
	}
	return m.forward(kp)
}

func mouseText(on bool) string {
	if on {
		return "mouse capture on: the wheel scrolls; M turns it off to select text"
	}
	return "mouse capture off: select text with the terminal; M turns it on"
}

// forward hands a key to the component that has the focus. Any other
// message (stream batches, search steps, input cursor ticks) goes to every
// component that may be waiting for it; each ignores what is not its own.
func (m Model) forward(msg tea.Msg) (tea.Model, tea.Cmd) {
	if _, isKey := msg.(tea.KeyPressMsg); !isKey {
		var c1, c2, c3, c4 tea.Cmd
		m.logs, c1 = m.logs.Update(msg)
		m.table, c2 = m.table.Update(msg)
		m.conv.list, c3 = m.conv.list.Update(msg)
		m.conv.events, c4 = m.conv.events.Update(msg)
		m = m.syncOpenConversation()
		return m, tea.Batch(c1, c2, c3, c4)
	}
	var cmd tea.Cmd
	if m.focus == focusTable {
		before, _ := m.table.Selected()
		m.table, cmd = m.table.Update(msg)
		if after, _ := m.table.Selected(); after.Key() != before.Key() {
			var sel tea.Cmd
			m, sel = m.selectionChanged()
			cmd = tea.Batch(cmd, sel)
		}
		return m, cmd
	}
	switch m.tab {
	case tabDetails:
		m.details, cmd = m.details.Update(msg)
	case tabLogs:
		m.logs, cmd = m.logs.Update(msg)
	case tabConversations:
		return m.forwardConv(msg)
	}
	return m, cmd
}

// forwardConv hands a key to the conversations list or the events pane.
func (m Model) forwardConv(msg tea.Msg) (tea.Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.conv.area == convEvents {
		m.conv.events, cmd = m.conv.events.Update(msg)
		return m.syncOpenConversation(), cmd
	}
	before, _ := m.conv.list.Selected()
	m.conv.list, cmd = m.conv.list.Update(msg)
	if after, _ := m.conv.list.Selected(); after.Key() != before.Key() {
		var sel tea.Cmd
		m, sel = m.convSelectionChanged()
		cmd = tea.Batch(cmd, sel)
	}
	return m, cmd
}

func (m Model) inConvList() bool {
	return m.focus == focusPane && m.tab == tabConversations && m.conv.area == convList
}

// setConvArea moves the keyboard between the conversations list and the
// events pane.
func (m Model) setConvArea(a convArea) Model {
	m.conv.area = a
	return m.setFocus(m.focus)
}

func (m Model) setFocus(f focusArea) Model {
	m.focus = f
	m.table, m.details, m.logs = m.table.Blur(), m.details.Blur(), m.logs.Blur()
	m.conv.list, m.conv.events = m.conv.list.Blur(), m.conv.events.Blur()
	switch {
	case f == focusTable:
		m.table = m.table.Focus()
	case m.tab == tabDetails:
		m.details = m.details.Focus()
	case m.tab == tabLogs:
		m.logs = m.logs.Focus()
	case m.tab == tabConversations && m.conv.area == convEvents:
		m.conv.events = m.conv.events.Focus()
	case m.tab == tabConversations:
		m.conv.list = m.conv.list.Focus()
	}
	return m.layout()
}

// setTab shows a pane. The conversations tab lists and polls only while
// it is shown, and its websocket closes when it is hidden.
func (m Model) setTab(t paneTab) (Model, tea.Cmd) {
	was := m.tab
	m.tab = t
	m = m.setFocus(m.focus)
	switch {
	case t == tabConversations && was != tabConversations:
		return m.enterConversations()
	case t != tabConversations && was == tabConversations:
		return m.leaveConversations(), nil
	}
	return m, nil
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

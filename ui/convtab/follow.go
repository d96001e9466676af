package convtab

import (
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/pane"
)

// convSelectionChanged schedules the events pane to follow the list cursor.
func (m Model) convSelectionChanged() (Model, tea.Cmd) {
	sel, ok := m.list.Selected()
	if ok && sel.Key() == m.events.Key() {
		return m, nil
	}
	m.settle++
	n := m.settle
	return m, tea.Tick(pane.SettleDelay, func(time.Time) tea.Msg { return convSettledMsg{n: n} })
}

// followConversation opens the selected conversation's event stream.
func (m Model) followConversation(msg convSettledMsg) (Model, tea.Cmd) {
	if msg.n != m.settle || !m.convVisible() {
		return m, nil
	}
	sel, ok := m.list.Selected()
	if !ok {
		m.events = m.events.Close()
		m.open = backend.Conversation{}
		return m, nil
	}
	if sel.Key() == m.events.Key() {
		return m, nil
	}
	sb, found := m.sandboxOf(sel)
	if !found {
		return m, nil
	}
	m.open = sel
	var cmd tea.Cmd
	m.events, cmd = m.events.Open(m.c.Ctx, m.cfg.Source, m.cfg.Source, sb, sel)
	return m, cmd
}

// sandboxOf finds the sandbox a conversation lives in, from the latest
// snapshots (its key and URL may have changed since the listing).
func (m Model) sandboxOf(c backend.Conversation) (backend.Sandbox, bool) {
	return m.world.Find(c.Source, c.SandboxID)
}

// syncOpenConversation copies the stream's live status, usage and latest
// event time into the list row of the open conversation.
func (m Model) syncOpenConversation() Model {
	st := m.events.State()
	c := m.open
	if c.ID == "" {
		return m
	}
	changed := false
	if st.Status != "" && st.Status != c.Status {
		c.Status, changed = st.Status, true
	}
	if st.HaveStats && (st.Cost != c.Cost || st.Tokens != c.Tokens) {
		c.Cost, c.Tokens, changed = st.Cost, st.Tokens, true
	}
	if st.LastEvent.After(c.UpdatedAt) {
		c.UpdatedAt, changed = st.LastEvent, true
	}
	if changed {
		m.open = c
		m.list = m.list.UpdateConversation(c)
	}
	return m
}

// focusedConversation is the conversation an action applies to: the open
// one while the events pane has the keyboard, else the list's selection.
func (m Model) focusedConversation() (backend.Conversation, bool) {
	if m.area == areaEvents && m.open.ID != "" {
		return m.open, true
	}
	return m.list.Selected()
}

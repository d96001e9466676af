package convtab

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/bulk"
	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/pane"
)

var _ pane.Pane = Model{}

// Title names the tab.
func (m Model) Title() string { return "Conversations" }

// Tab is the key that shows the tab.
func (m Model) Tab() key.Binding { return m.c.Keys.Root.TabConversations }

// Update handles the tab's own messages, and keys while it has the
// keyboard: they go to the list or to the events of the open conversation.
func (m Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case convListMsg:
		return m.applyConvList(msg)
	case convPollMsg:
		return m.convPoll(msg)
	case convSettledMsg:
		return m.followConversation(msg)
	case convDoneMsg:
		return m.finishConv(msg)
	case newProgressMsg:
		return m.newProgress(msg)
	case newDoneMsg:
		return m.finishNew(msg)
	case composer.SubmitMsg, composer.CancelMsg:
		return m.composed(msg)
	case confirm.ResultMsg:
		if req, ok := msg.Payload.(convBulkRequest); ok {
			return m.confirmedBulk(msg, req)
		}
		return m.confirmed(msg)
	case bulk.ResultMsg:
		if m.bulk != nil && msg.Batch == m.bulk.ID {
			return m.bulkResult(msg)
		}
		return m, nil
	case bulk.DoneMsg:
		if m.bulk != nil && msg.Batch == m.bulk.ID {
			return m.bulkDone()
		}
		return m, nil
	case tea.KeyPressMsg:
		return m.key(msg)
	}
	var c1, c2 tea.Cmd
	m.list, c1 = m.list.Update(msg)
	m.events, c2 = m.events.Update(msg)
	return m.syncOpenConversation(), tea.Batch(c1, c2)
}

// key hands a key to the list or the events pane.
func (m Model) key(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	if m.area == areaEvents {
		m.events, cmd = m.events.Update(msg)
		return m.syncOpenConversation(), cmd
	}
	before, _ := m.list.Selected()
	m.list, cmd = m.list.Update(msg)
	if after, _ := m.list.Selected(); after.Key() != before.Key() {
		var sel tea.Cmd
		m, sel = m.convSelectionChanged()
		cmd = tea.Batch(cmd, sel)
	}
	return m, cmd
}

// Select follows the sandboxes table: the list shows the conversations of
// the selected sandbox once the cursor rests on it.
func (m Model) Select(w pane.World) (pane.Pane, tea.Cmd) {
	m.world = w
	if !w.Settled {
		return m, nil
	}
	return m.refresh()
}

// SetSize splits the tab between the list and the events.
func (m Model) SetSize(w, h int) pane.Pane {
	m.width, m.height = w, h
	listH, eventsH := m.heights()
	m.list = m.list.SetSize(w, listH)
	m.events = m.events.SetSize(w, eventsH)
	return m
}

// heights splits the tab between the list and the events of the open
// conversation. When there is little room, the part with the keyboard
// takes it all.
func (m Model) heights() (listH, eventsH int) {
	h := m.height
	if h < 12 {
		if m.area == areaEvents {
			return 0, h
		}
		return h, 0
	}
	listH = max(5, h*2/5)
	return listH, h - listH
}

// View shows the list above the events, or says why there is nothing.
func (m Model) View() string {
	if m.cfg.Source == nil {
		return pane.Placeholder(m.height, "conversations are not available: no conversation source is configured")
	}
	listH, eventsH := m.heights()
	var parts []string
	if listH > 0 {
		parts = append(parts, m.list.View())
	}
	if eventsH > 0 {
		parts = append(parts, m.events.View())
	}
	return strings.Join(parts, "\n")
}

// Focus gives the keyboard to the list or the events, whichever is active.
func (m Model) Focus() pane.Pane {
	m.focused = true
	m.list, m.events = m.list.Blur(), m.events.Blur()
	if m.area == areaEvents {
		m.events = m.events.Focus()
	} else {
		m.list = m.list.Focus()
	}
	return m
}

// Blur takes the keyboard away.
func (m Model) Blur() pane.Pane {
	m.focused = false
	m.list, m.events = m.list.Blur(), m.events.Blur()
	return m
}

// SetTheme restyles both parts.
func (m Model) SetTheme(th theme.Theme) pane.Pane {
	m.th = th
	m.list, m.events = m.list.SetTheme(th), m.events.SetTheme(th)
	return m
}

// setArea moves the keyboard between the list and the events; the split
// follows it on a short screen.
func (m Model) setArea(a area) Model {
	m.area = a
	if m.focused {
		m = m.Focus().(Model)
	}
	return m.SetSize(m.width, m.height).(Model)
}

// Capturing reports a filter or search being typed.
func (m Model) Capturing() bool {
	if m.area == areaEvents {
		return m.events.Capturing()
	}
	return m.list.Capturing()
}

// WantsEsc reports that esc closes something inside the tab.
func (m Model) WantsEsc() bool {
	if m.area == areaEvents {
		return m.events.WantsEsc()
	}
	return m.list.WantsEsc()
}

// Open opens the selected conversation's events.
func (m Model) Open() (pane.Pane, bool) {
	if m.area != areaList {
		return m, false
	}
	return m.setArea(areaEvents), true
}

// Back returns from the events to the list.
func (m Model) Back() (pane.Pane, bool) {
	if m.area != areaEvents {
		return m, false
	}
	return m.setArea(areaList), true
}

// Ticking reports a reconnect countdown on the open conversation's stream.
func (m Model) Ticking() bool {
	// A countdown to the next try, or "not answering for Ns".
	p := m.events.State().Conn.Phase
	return m.convVisible() && (p == backend.ConnReconnecting || p == backend.ConnUnresponsive)
}

// ShortHelp lists the keys of the part with the keyboard, what the
// conversation waits for first; the conversation actions replace the
// sandbox actions here.
func (m Model) ShortHelp() ([]key.Binding, bool) {
	k := m.c.Keys.Root
	var b []key.Binding
	if m.Capturing() && m.area != areaEvents {
		return m.list.ShortHelp(), true // only the filter's own keys act
	}
	if m.area == areaEvents {
		b = m.events.ShortHelp()
	} else {
		b = append(m.list.ShortHelp(), k.Open, k.ConvScope)
	}
	if !m.c.ReadOnly {
		b = append(b, k.ConvMessage)
		if c, ok := m.focusedConversation(); ok && c.Status == backend.ExecWaitingForConfirmation {
			// What the conversation waits for comes first: a narrow
			// help line cuts off its end.
			b = append([]key.Binding{k.ConvAccept, k.ConvReject}, b...)
		}
	}
	return b, true
}

// FullHelp lists the list's, the events' and the actions' keys.
func (m Model) FullHelp() [][]key.Binding {
	g := append(m.list.FullHelp(), m.events.FullHelp()...)
	if !m.c.ReadOnly {
		return append(g, m.c.Keys.Root.ConversationActions())
	}
	return append(g, []key.Binding{m.c.Keys.Root.ConvScope})
}

// HelpSections heads the list's, the events' and the actions' keys apart
// on the help screen.
func (m Model) HelpSections() []pane.HelpSection {
	acts := pane.HelpSection{Title: "Conversation actions", Groups: [][]key.Binding{m.c.Keys.Root.ConversationActions()}}
	if m.c.ReadOnly {
		acts = pane.HelpSection{Title: "Conversations", Groups: [][]key.Binding{{m.c.Keys.Root.ConvScope}}}
	}
	return []pane.HelpSection{
		{Title: "Conversations list", Groups: m.list.FullHelp()},
		{Title: "Events", Groups: m.events.FullHelp()},
		acts,
	}
}

// Refresh re-reads the list now, as the poll does.
func (m Model) Refresh() (Model, tea.Cmd) { return m.refresh() }

// Selected is the conversation under the list's cursor.
func (m Model) Selected() (backend.Conversation, bool) { return m.list.Selected() }

// Streaming is the Key of the conversation whose events are streamed ("" for none).
func (m Model) Streaming() string { return m.events.Key() }

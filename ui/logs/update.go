package logs

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Update handles stream messages (always) and keys (only when focused).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	switch msg := msg.(type) {
	case openedMsg:
		return m.handleOpened(msg)
	case batchMsg:
		return m.handleBatch(msg)
	case closedMsg:
		return m.handleClosed(msg)
	case tea.KeyPressMsg:
		if !m.focused {
			return m, nil
		}
		if m.capturing {
			return m.updateInput(msg)
		}
		return m.handleKey(msg), nil
	}
	if m.capturing { // paste, cursor messages
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	return m, nil
}

func (m Model) handleKey(msg tea.KeyPressMsg) Model {
	k, v := m.keys, m.view
	switch {
	case key.Matches(msg, k.Follow):
		v = v.SetFollow(!v.Following())
	case key.Matches(msg, k.Up):
		v = v.ScrollUp(1)
	case key.Matches(msg, k.Down):
		v = v.ScrollDown(1)
	case key.Matches(msg, k.PageUp):
		v = v.PageUp()
	case key.Matches(msg, k.PageDown):
		v = v.PageDown()
	case key.Matches(msg, k.HalfPageUp):
		v = v.HalfPageUp()
	case key.Matches(msg, k.HalfPageDown):
		v = v.HalfPageDown()
	case key.Matches(msg, k.Top):
		v = v.GotoTop()
	case key.Matches(msg, k.Bottom):
		v = v.GotoBottom()
	case key.Matches(msg, k.Left):
		v = v.ScrollLeft()
	case key.Matches(msg, k.Right):
		v = v.ScrollRight()
	case key.Matches(msg, k.Wrap):
		v = v.SetWrap(!v.Wrapping())
	case key.Matches(msg, k.Timestamps):
		v = v.SetTimestamps(!v.Timestamps())
	case key.Matches(msg, k.SearchNext):
		v = v.NextMatch()
	case key.Matches(msg, k.SearchPrev):
		v = v.PrevMatch()
	case key.Matches(msg, k.SearchClear):
		v = v.ClearSearch()
	case key.Matches(msg, k.Search):
		m.capturing = true
		m.input.Reset()
		// The textinput's Focus Cmd only drives cursor blinking, which
		// newInput turns off.
		_ = m.input.Focus()
	}
	m.view = v
	m.syncKeys()
	return m
}

// updateInput handles keys while the search input has focus: enter runs
// the search, esc closes the input and clears the search, anything else
// edits the query.
func (m Model) updateInput(msg tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(msg, m.keys.SearchSubmit):
		m.capturing = false
		m.input.Blur()
		m.view = m.view.Search(m.input.Value()) // "" clears
	case key.Matches(msg, m.keys.SearchCancel):
		m.capturing = false
		m.input.Blur()
		m.view = m.view.ClearSearch()
	default:
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(msg)
		return m, cmd
	}
	m.syncKeys()
	return m, nil
}

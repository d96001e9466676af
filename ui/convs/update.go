package convs

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Update handles navigation, sorting, pinning and filtering keys when
// focused. While the filter input is open every key goes to it, except
// esc (clear) and enter (keep).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		if m.filtering && !ok {
			// Cursor blink and other input messages.
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	if m.filtering {
		return m.updateFilter(kp)
	}
	if c, moved := m.keys.Move(kp, m.cursor, len(m.order), m.visibleRows()); moved {
		m.cursor = max(0, min(c, len(m.order)-1))
		m.offset = m.window()
		return m, nil
	}
	switch {
	case key.Matches(kp, m.keys.Filter):
		m.filtering = true
		m.offset = m.window()
		return m, m.filter.Focus()
	case key.Matches(kp, m.keys.ClearFilter):
		if m.filter.Value() == "" {
			return m, nil
		}
		m.filter.SetValue("")
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.Sort):
		m.sortBy = (m.sortBy + 1) % sortKeys
		m.desc = false
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.Reverse):
		m.desc = !m.desc
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.Pin):
		m.pin = !m.pin
		return m.keepSelection(), nil
	}
	return m, nil
}

func (m Model) updateFilter(kp tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(kp, m.keys.ClearFilter):
		m.filtering = false
		m.filter.Blur()
		m.filter.SetValue("")
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.AcceptFilter):
		m.filtering = false
		m.filter.Blur()
		m.offset = m.window()
		return m, nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(kp)
	return m.keepSelection(), cmd
}

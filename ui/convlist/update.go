package convlist

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/ui/table"
)

// Update handles navigation, sorting, pinning and filtering keys when
// focused. While the filter input is open every key goes to it, except
// esc (clear) and enter (keep).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	l, cmd, ch := m.list.Update(msg, m.keys.ListKeys)
	m.list = l
	if ch.IsMark() {
		m.list = m.list.ApplyMark(ch, func(i int) string { return m.all[i].c.Key() })
		return m, cmd
	}
	switch ch {
	case table.Handled:
		return m, cmd
	case table.NextSort:
		// Each column starts in its natural direction (newest, costliest
		// first; text A to Z).
		m.list.Desc = false
	case table.Unhandled:
		kp, _ := msg.(tea.KeyPressMsg)
		if !key.Matches(kp, m.keys.Pin) {
			return m, cmd
		}
		m.pin = !m.pin
	}
	return m.keepSelection(), cmd
}

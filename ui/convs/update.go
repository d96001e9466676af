package convs

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/ui/table"
)

// Update handles navigation, sorting, pinning and filtering keys when
// focused. While the filter input is open every key goes to it, except
// esc (clear) and enter (keep).
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	var cmd tea.Cmd
	var ch table.Change
	m.list, cmd, ch = m.list.Update(msg, m.keys.ListKeys)
	switch ch {
	case table.NextSort:
		m.sortBy = (m.sortBy + 1) % sortKeys
		m.desc = false
	case table.Reverse:
		m.desc = !m.desc
	case table.Refilter:
	case table.Unhandled:
		kp, _ := msg.(tea.KeyPressMsg)
		if !key.Matches(kp, m.keys.Pin) {
			return m, cmd
		}
		m.pin = !m.pin
	default:
		return m, cmd
	}
	return m.keepSelection(), cmd
}

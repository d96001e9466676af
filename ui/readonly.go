package ui

import (
	"fmt"

	tea "charm.land/bubbletea/v2"
)

// refuseReadOnly warns that an action is disabled, naming where read-only
// mode came from (the flag, the configuration file, the environment), and
// hands the refusal to the audit hook.
func (m Model) refuseReadOnly(r Refusal) (Model, tea.Cmd) {
	why := m.cfg.ReadOnlyWhy
	if why == "" {
		why = "started with --readonly"
	}
	m = m.warn(fmt.Sprintf("read-only mode: %s is disabled (%s)", r.Action, why))
	hook := m.cfg.OnRefused
	if hook == nil {
		return m, nil
	}
	return m, func() tea.Msg {
		hook(r)
		return nil
	}
}

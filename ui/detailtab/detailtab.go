// Package detailtab is the details tab: everything known about the
// selected sandbox, secrets masked unless revealed.
package detailtab

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/details"
	"github.com/ohdash/ohdash/ui/pane"
)

// Model is the details tab.
type Model struct {
	c       pane.Context
	details details.Model
}

var _ pane.Pane = Model{}

// New builds the tab.
func New(c pane.Context) Model {
	return Model{c: c, details: details.New(c.Theme, c.Keys.Details, c.Now)}
}

// Title names the tab.
func (m Model) Title() string { return "Details" }

// Tab is the key that shows the tab.
func (m Model) Tab() key.Binding { return m.c.Keys.Root.TabDetails }

// Select shows the selected sandbox at once: rendering it is cheap.
func (m Model) Select(w pane.World) (pane.Pane, tea.Cmd) {
	m.details = m.details.SetSandbox(w.Selected, w.OK, w.Reveal)
	return m, nil
}

// Update scrolls with keys; other messages are not the details' own.
func (m Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	if _, ok := msg.(tea.KeyPressMsg); !ok {
		return m, nil
	}
	var cmd tea.Cmd
	m.details, cmd = m.details.Update(msg)
	return m, cmd
}

// View renders the details.
func (m Model) View() string { return m.details.View() }

// SetSize sizes the details.
func (m Model) SetSize(w, h int) pane.Pane { m.details = m.details.SetSize(w, h); return m }

// Focus gives the details the keyboard.
func (m Model) Focus() pane.Pane { m.details = m.details.Focus(); return m }

// Blur takes it away.
func (m Model) Blur() pane.Pane { m.details = m.details.Blur(); return m }

// SetTheme restyles the details.
func (m Model) SetTheme(th theme.Theme) pane.Pane { m.details = m.details.SetTheme(th); return m }

// Show does nothing: the details follow the selection at all times.
func (m Model) Show() (pane.Pane, tea.Cmd) { return m, nil }

// Hide does nothing.
func (m Model) Hide() pane.Pane { return m }

// Capturing: the details have no text input.
func (m Model) Capturing() bool { return false }

// WantsEsc: esc always means back here.
func (m Model) WantsEsc() bool { return false }

// Open has nothing to open.
func (m Model) Open() (pane.Pane, bool) { return m, false }

// Back has nowhere to go back to.
func (m Model) Back() (pane.Pane, bool) { return m, false }

// Act has no actions of its own.
func (m Model) Act(tea.KeyPressMsg) (pane.Pane, tea.Cmd, bool) { return m, nil, false }

// ShortHelp is the scrolling keys and the reveal key.
func (m Model) ShortHelp() ([]key.Binding, bool) {
	return append(m.details.KeyMap().ShortHelp(), m.c.Keys.Root.Reveal), false
}

// FullHelp is the details' keys.
func (m Model) FullHelp() [][]key.Binding { return m.details.KeyMap().FullHelp() }

// Ticking: the details show no countdown.
func (m Model) Ticking() bool { return false }

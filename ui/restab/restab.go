// Package restab is the resources tab: the selected sandbox's CPU,
// memory, network and block I/O over the last minutes, drawn as small
// charts, with the current figures, its limits and the share of them.
package restab

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/pane"
	"github.com/ohdash/ohdash/ui/resource"
)

// Model is the resources tab.
type Model struct {
	c     pane.Context
	th    theme.Theme
	every time.Duration

	width, height int
	shown         bool

	sel backend.Sandbox
	ok  bool
	// hist and unsupported are shared by copies: only Update writes.
	hist        *histories
	unsupported map[string]bool
}

var (
	_ pane.Pane       = Model{}
	_ resource.Viewer = Model{}
)

// New builds the tab; every is the sampling interval (≤ 0: sampling is
// off, and the tab says so).
func New(c pane.Context, every time.Duration) Model {
	return Model{c: c, th: c.Theme, every: every, hist: newHistories(every), unsupported: map[string]bool{}}
}

// Title names the tab.
func (m Model) Title() string { return "Resources" }

// Tab is the key that shows the tab.
func (m Model) Tab() key.Binding { return m.c.Keys.Root.TabResources }

// ShowsResources reports that the tab is on screen, so the root samples
// the selected sandbox even with the table's resource columns off.
func (m Model) ShowsResources() bool { return m.shown }

// Select follows the selection; its history starts when it is looked at.
func (m Model) Select(w pane.World) (pane.Pane, tea.Cmd) {
	m.sel, m.ok = w.Selected, w.OK
	if m.ok {
		m.hist.look(m.sel.Key())
	}
	return m, nil
}

// Update records the samples of the sandboxes looked at.
func (m Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	s, ok := msg.(resource.SampledMsg)
	if !ok {
		return m, nil
	}
	if s.Unsupported {
		m.unsupported[s.Source] = true
		return m, nil
	}
	for _, id := range s.Asked {
		r := m.hist.rings[s.Source+"/"+id]
		if r == nil {
			continue
		}
		smp, ok := s.Samples[id]
		r.push(point{at: s.At, smp: smp, ok: ok}, m.every)
	}
	return m, nil
}

// SetSize sizes the tab.
func (m Model) SetSize(w, h int) pane.Pane { m.width, m.height = w, h; return m }

// Focus: the tab has no keys of its own.
func (m Model) Focus() pane.Pane { return m }

// Blur does nothing.
func (m Model) Blur() pane.Pane { return m }

// SetTheme restyles the tab.
func (m Model) SetTheme(th theme.Theme) pane.Pane { m.th = th; return m }

// Show marks the tab on screen: the root starts sampling the selection.
func (m Model) Show() (pane.Pane, tea.Cmd) { m.shown = true; return m, nil }

// Hide marks it off screen.
func (m Model) Hide() pane.Pane { m.shown = false; return m }

// Capturing: no text input.
func (m Model) Capturing() bool { return false }

// WantsEsc: esc means back.
func (m Model) WantsEsc() bool { return false }

// Open has nothing to open.
func (m Model) Open() (pane.Pane, bool) { return m, false }

// Back has nowhere to go.
func (m Model) Back() (pane.Pane, bool) { return m, false }

// Act has no actions of its own.
func (m Model) Act(tea.KeyPressMsg) (pane.Pane, tea.Cmd, bool) { return m, nil, false }

// ShortHelp: the resource columns' key and the heavy sort.
func (m Model) ShortHelp() ([]key.Binding, bool) {
	return []key.Binding{m.c.Keys.Root.Resources, m.c.Keys.Sandboxes.SortHeavy}, false
}

// FullHelp is the same keys.
func (m Model) FullHelp() [][]key.Binding {
	return [][]key.Binding{{m.c.Keys.Root.Resources, m.c.Keys.Sandboxes.SortHeavy}}
}

// Ticking: the charts move with samples, not the clock.
func (m Model) Ticking() bool { return false }

// Package sandboxes is the sandboxes table: every sandbox of every source
// in one list with live status, sortable and filterable, rendering only
// the rows on screen.
package sandboxes

import (
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/table"
)

// Model is the sandboxes table.
type Model struct {
	th   theme.Theme
	keys KeyMap
	now  func() time.Time

	all   []backend.Sandbox
	order []int // indices into all: filtered and sorted

	cursor, offset int
	sortBy         SortKey
	desc           bool

	filter    textinput.Model
	filtering bool

	width, height int
	focused       bool
	multiSource   bool
}

// Option configures a Model.
type Option func(*Model)

// WithClock sets the clock used for ages (tests pin it).
func WithClock(now func() time.Time) Option { return func(m *Model) { m.now = now } }

// WithKeyMap replaces the default key bindings.
func WithKeyMap(k KeyMap) Option { return func(m *Model) { m.keys = k } }

// New returns an empty table.
func New(th theme.Theme, opts ...Option) Model {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter by name, image, status…"
	m := Model{th: th, keys: DefaultKeyMap(), now: time.Now, filter: ti}
	for _, o := range opts {
		o(&m)
	}
	return m
}

// SetSandboxes replaces the rows, keeping the cursor on the same sandbox
// when it is still there.
func (m Model) SetSandboxes(sbs []backend.Sandbox) Model {
	sel, had := m.Selected()
	m.all = sbs
	m.multiSource = false
	for _, s := range sbs {
		if s.Source != sbs[0].Source {
			m.multiSource = true
			break
		}
	}
	m = m.reorder()
	if had {
		m = m.selectKey(sel.Key())
	}
	return m
}

func (m Model) reorder() Model {
	m.order = order(m.all, m.filter.Value(), m.sortBy, m.desc)
	m.cursor = max(0, min(m.cursor, len(m.order)-1))
	m.offset = clampOffset(m)
	return m
}

func (m Model) selectKey(k string) Model {
	for i, idx := range m.order {
		if m.all[idx].Key() == k {
			m.cursor = i
			break
		}
	}
	m.offset = clampOffset(m)
	return m
}

// Selected returns the sandbox under the cursor.
func (m Model) Selected() (backend.Sandbox, bool) {
	if m.cursor < 0 || m.cursor >= len(m.order) {
		return backend.Sandbox{}, false
	}
	return m.all[m.order[m.cursor]], true
}

// Len is the number of rows shown (after filtering); Total counts all.
func (m Model) Len() int { return len(m.order) }

// Total is the number of sandboxes before filtering.
func (m Model) Total() int { return len(m.all) }

// Sort reports the sort column and direction.
func (m Model) Sort() (SortKey, bool) { return m.sortBy, m.desc }

// FilterText is the active filter ("" when none).
func (m Model) FilterText() string { return m.filter.Value() }

// Capturing reports whether the filter input has the keyboard, so the
// parent must not treat keys as shortcuts.
func (m Model) Capturing() bool { return m.filtering }

// KeyMap returns the bindings, for help.
func (m Model) KeyMap() KeyMap { return m.keys }

// Focus gives the table the keyboard.
func (m Model) Focus() Model { m.focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; return m }

// Focused reports whether the table has the keyboard.
func (m Model) Focused() bool { return m.focused }

// SetSize sets the size the table renders at, header included.
func (m Model) SetSize(w, h int) Model {
	m.width, m.height = w, h
	m.filter.SetWidth(max(10, w-2))
	m.offset = clampOffset(m)
	return m
}

// visibleRows is the number of data rows on screen: the header takes one
// row, and the filter input another while it is open.
func (m Model) visibleRows() int { return max(0, m.height-1-boolInt(m.filtering)) }

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func clampOffset(m Model) int {
	return table.Window(m.cursor, m.offset, m.visibleRows(), len(m.order))
}

// Update handles navigation, sorting and filtering keys when focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		if m.filtering {
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
		m.offset = clampOffset(m)
		return m, nil
	}
	switch {
	case key.Matches(kp, m.keys.Filter):
		m.filtering = true
		m.offset = clampOffset(m)
		return m, m.filter.Focus()
	case key.Matches(kp, m.keys.ClearFilter):
		if m.filter.Value() == "" {
			return m, nil
		}
		m.filter.SetValue("")
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.Sort):
		m.sortBy = (m.sortBy + 1) % sortKeys
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.Reverse):
		m.desc = !m.desc
		return m.keepSelection(), nil
	}
	return m, nil
}

// keepSelection re-sorts/filters and keeps the cursor on the same sandbox.
func (m Model) keepSelection() Model {
	sel, had := m.Selected()
	m = m.reorder()
	if had {
		m = m.selectKey(sel.Key())
	}
	return m
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
		return m, nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(kp)
	return m.keepSelection(), cmd
}

// SetTheme restyles the table.
func (m Model) SetTheme(th theme.Theme) Model { m.th = th; return m }

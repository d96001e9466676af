// Package sandboxes is the sandboxes table: every sandbox of every source
// in one list with live status, sortable and filterable, rendering only
// the rows on screen.
package sandboxes

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/resource"
	"github.com/ohdash/ohdash/ui/table"
)

// Model is the sandboxes table.
type Model struct {
	keys KeyMap
	all  []backend.Sandbox
	// list holds the order shown (indices into all), the cursor, the
	// scroll offset, the filter and the focus.
	list table.List

	width, height int
	multiSource   bool
	// emptyNote is what an empty list says (see SetEmptyNote).
	emptyNote []string
	// res is the resource use the root sampled; resOn shows its columns.
	res   resource.Store
	resOn bool
}

// SetEmptyNote sets what the table says when there are no sandboxes at
// all: the owner knows whether the sources answered, the table does not.
func (m Model) SetEmptyNote(lines []string) Model { m.emptyNote = lines; return m }

// Option configures a Model.
type Option func(*Model)

// WithClock sets the clock used for ages (tests pin it).
func WithClock(now func() time.Time) Option { return func(m *Model) { m.list.Now = now } }

// WithKeyMap replaces the default key bindings.
func WithKeyMap(k KeyMap) Option { return func(m *Model) { m.keys = k } }

// New returns an empty table.
func New(th theme.Theme, opts ...Option) Model {
	m := Model{keys: DefaultKeyMap(), list: table.NewList(th, "filter by name, image, status…", int(sortKeys))}
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
	present := make(map[string]bool, len(sbs))
	for _, s := range sbs {
		present[s.Key()] = true
	}
	m.list = m.list.KeepMarks(func(k string) bool { return present[k] })
	return m.reorder(sel.Key(), had)
}

// reorder re-filters and re-sorts, then puts the cursor back on the
// sandbox with key selKey when there was one and it is still shown.
func (m Model) reorder(selKey string, had bool) Model {
	var at func(int) bool
	if had {
		at = func(i int) bool { return m.all[i].Key() == selKey }
	}
	m.list = m.list.Reorder(order(m.all, m.list.FilterText(), SortKey(m.list.SortBy), m.list.Desc, m.res), at)
	return m
}

// Selected returns the sandbox under the cursor.
func (m Model) Selected() (backend.Sandbox, bool) {
	if i, ok := m.list.Current(); ok {
		return m.all[i], true
	}
	return backend.Sandbox{}, false
}

// Len is the number of rows shown (after filtering); Total counts all.
func (m Model) Len() int { return m.list.Len() }

// Total is the number of sandboxes before filtering.
func (m Model) Total() int { return len(m.all) }

// Sort reports the sort column and direction.
func (m Model) Sort() (SortKey, bool) { return SortKey(m.list.SortBy), m.list.Desc }

// FilterText is the active filter ("" when none).
func (m Model) FilterText() string { return m.list.FilterText() }

// Capturing reports whether the filter input has the keyboard, so the
// parent must not treat keys as shortcuts.
func (m Model) Capturing() bool { return m.list.Filtering }

// KeyMap returns the bindings, for help.
func (m Model) KeyMap() KeyMap { return m.keys }

// Focus gives the table the keyboard.
func (m Model) Focus() Model { m.list.Focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.list.Focused = false; return m }

// Focused reports whether the table has the keyboard.
func (m Model) Focused() bool { return m.list.Focused }

// SetSize sets the size the table renders at, header included.
func (m Model) SetSize(w, h int) Model {
	m.width, m.height = w, h
	m.list = m.list.SetSize(w, h-1)
	return m
}

// Update handles navigation, sorting and filtering keys when focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if kp, ok := msg.(tea.KeyPressMsg); ok && m.list.Focused && !m.list.Filtering && key.Matches(kp, m.keys.SortHeavy) {
		return m.sortHeavy(), nil
	}
	if kp, ok := msg.(tea.KeyPressMsg); ok && SortKey(m.list.SortBy) >= sortKeys && key.Matches(kp, m.keys.Sort) {
		// From a heavy sort, the sort key starts its cycle again.
		m.list.SortBy = int(sortKeys) - 1
	}
	l, cmd, ch := m.list.Update(msg, m.keys.ListKeys)
	m.list = l
	if ch.IsMark() {
		m.list = m.list.ApplyMark(ch, func(i int) string { return m.all[i].Key() })
		return m, cmd
	}
	if ch == table.Handled || ch == table.Unhandled {
		return m, cmd
	}
	sel, had := m.Selected()
	return m.reorder(sel.Key(), had), cmd
}

// SetTheme restyles the table.
func (m Model) SetTheme(th theme.Theme) Model { m.list.Theme = th; return m }

// Marked returns the marked sandboxes, in the order shown, then the marked
// ones the filter hides, by key.
func (m Model) Marked() []backend.Sandbox {
	if m.list.MarkCount() == 0 {
		return nil
	}
	out := make([]backend.Sandbox, 0, m.list.MarkCount())
	shown := make(map[int]bool, len(m.list.Order))
	for _, i := range m.list.Order {
		shown[i] = true
		if m.list.Marked(m.all[i].Key()) {
			out = append(out, m.all[i])
		}
	}
	for i, s := range m.all {
		if !shown[i] && m.list.Marked(s.Key()) {
			out = append(out, s)
		}
	}
	return out
}

// Shown returns the sandboxes the filter shows, in the order shown.
func (m Model) Shown() []backend.Sandbox {
	out := make([]backend.Sandbox, 0, len(m.list.Order))
	for _, i := range m.list.Order {
		out = append(out, m.all[i])
	}
	return out
}

// MarkCount is the number of marked sandboxes.
func (m Model) MarkCount() int { return m.list.MarkCount() }

// SetMarked marks or unmarks the sandboxes with keys ks (a bulk action
// unmarks the rows it did).
func (m Model) SetMarked(on bool, ks ...string) Model {
	m.list = m.list.SetMarked(on, ks...)
	return m
}

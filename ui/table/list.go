package table

import (
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/theme"
)

// List is the state every list table shares: which of the caller's rows
// are shown and in what order, the cursor and scroll offset over them, the
// filter input and the focus. A table keeps its rows, columns and sort,
// and embeds a List for the rest, so moving, filtering and scrolling work
// the same in every table.
type List struct {
	// Theme styles the table; Now is its clock (tests pin it).
	Theme theme.Theme
	Now   func() time.Time
	// Order holds indices into the caller's rows: filtered and sorted.
	Order []int
	// Cursor is a position in Order; Offset the first position shown.
	Cursor, Offset int
	// Filter is the filter input; Filtering is set while it is open.
	Filter    textinput.Model
	Filtering bool
	// Focused is set while the table has the keyboard.
	Focused bool
	// SortBy is the sort column, one of the table's sorts; Desc reverses
	// its natural direction.
	SortBy int
	Desc   bool
	sorts  int
	// marks are the marked rows' keys (see marks.go).
	marks marks
	// rows is the room for data rows, the open filter input included.
	rows int
}

// NewList returns an empty list styled by th, on the wall clock, with
// sorts sort columns, whose filter input shows placeholder.
func NewList(th theme.Theme, placeholder string, sorts int) List {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = placeholder
	return List{Theme: th, Now: time.Now, Filter: ti, sorts: max(1, sorts)}
}

// Change is what a key did that the table must act on.
type Change int

// The changes Update reports.
const (
	// Handled: nothing for the table to do (or the message was not a key
	// the list knows).
	Handled Change = iota
	// Refilter: the filter text changed; re-order, keeping the selection.
	Refilter
	// NextSort: the list sorts by the next column now; re-order.
	NextSort
	// Reverse: the sort direction flipped; re-order.
	Reverse
	// Unhandled: a key the list does not know, for the table's own keys.
	Unhandled
	// ToggleMark, MarkShown and Unmark are the mark keys: the table
	// passes them to ApplyMark with its rows' keys.
	ToggleMark
	MarkShown
	Unmark
)

// IsMark reports whether c is one of the mark changes.
func (c Change) IsMark() bool { return c == ToggleMark || c == MarkShown || c == Unmark }

// SetSize sizes the filter input and gives the list rows data rows (the
// open filter input takes one of them).
func (l List) SetSize(width, rows int) List {
	l.Filter.SetWidth(max(10, width-2))
	l.rows = max(0, rows)
	return l.Window()
}

// Rows is the number of data rows on screen.
func (l List) Rows() int { return max(0, l.rows-boolInt(l.Filtering)) }

// Len is the number of rows shown.
func (l List) Len() int { return len(l.Order) }

// Current is the index, in the caller's rows, of the row under the cursor.
func (l List) Current() (int, bool) {
	if l.Cursor < 0 || l.Cursor >= len(l.Order) {
		return 0, false
	}
	return l.Order[l.Cursor], true
}

// Window scrolls so the cursor is on screen.
func (l List) Window() List {
	l.Offset = Window(l.Cursor, l.Offset, l.Rows(), len(l.Order))
	return l
}

// Reorder shows order, putting the cursor on the first row for which at
// says true (when at is not nil and one does), else keeping its position.
func (l List) Reorder(order []int, at func(row int) bool) List {
	l.Order = order
	if at != nil {
		for i, idx := range order {
			if at(idx) {
				l.Cursor = i
				break
			}
		}
	}
	l.Cursor = max(0, min(l.Cursor, len(l.Order)-1))
	return l.Window()
}

// FilterText is the filter as typed ("" when none).
func (l List) FilterText() string { return l.Filter.Value() }

// WantsEsc reports whether esc means something here: a filter is being
// typed or is applied, and esc clears it.
func (l List) WantsEsc() bool { return l.Filtering || l.Filter.Value() != "" }

// Update handles a message for a table with keys k. Keys count only while
// focused; while the filter input is open every key goes to it, except
// clear (esc) and accept (enter). Other messages reach the open input
// (its cursor blinks).
func (l List) Update(msg tea.Msg, k ListKeys) (List, tea.Cmd, Change) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || !l.Focused {
		if l.Filtering && !ok {
			var cmd tea.Cmd
			l.Filter, cmd = l.Filter.Update(msg)
			return l, cmd, Handled
		}
		return l, nil, Handled
	}
	if l.Filtering {
		return l.updateFilter(kp, k)
	}
	if c, moved := k.Move(kp, l.Cursor, len(l.Order), l.Rows()); moved {
		l.Cursor = max(0, min(c, len(l.Order)-1))
		return l.Window(), nil, Handled
	}
	switch {
	case key.Matches(kp, k.Filter):
		l.Filtering = true
		cmd := l.Filter.Focus() // before the copy below: Focus has a pointer receiver
		return l.Window(), cmd, Handled
	case key.Matches(kp, k.ClearFilter):
		if l.Filter.Value() == "" {
			return l, nil, Handled
		}
		l.Filter.SetValue("")
		return l, nil, Refilter
	case key.Matches(kp, k.Sort):
		l.SortBy = (l.SortBy + 1) % l.sorts
		return l, nil, NextSort
	case key.Matches(kp, k.Reverse):
		l.Desc = !l.Desc
		return l, nil, Reverse
	case key.Matches(kp, k.Mark):
		return l, nil, ToggleMark
	case key.Matches(kp, k.MarkAll):
		return l, nil, MarkShown
	case key.Matches(kp, k.Unmark):
		return l, nil, Unmark
	}
	return l, nil, Unhandled
}

func (l List) updateFilter(kp tea.KeyPressMsg, k ListKeys) (List, tea.Cmd, Change) {
	switch {
	case key.Matches(kp, k.ClearFilter):
		l.Filtering = false
		l.Filter.Blur()
		l.Filter.SetValue("")
		return l, nil, Refilter
	case key.Matches(kp, k.AcceptFilter):
		l.Filtering = false
		l.Filter.Blur()
		return l.Window(), nil, Handled
	}
	var cmd tea.Cmd
	l.Filter, cmd = l.Filter.Update(kp)
	return l, cmd, Refilter
}

// Styles returns the table styles of the theme; an unfocused table marks
// its cursor row in reverse video instead of the selection colour.
func (l List) Styles() Styles {
	th := l.Theme
	st := Styles{Header: th.Styles.Header, Cell: th.Styles.Cell, Selected: th.Styles.Selected}
	if !l.Focused {
		st.Selected = th.Styles.Cell.Reverse(true)
	}
	return st
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

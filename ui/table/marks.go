package table

import "maps"

// Marks are the rows a person picked for a bulk action, by the row's
// stable key (a sandbox's or a conversation's Key), not by position: they
// survive refreshes, re-sorting and filtering, and a row that disappears
// loses its mark (see List.KeepMarks).
//
// The set is copied on every change: a List is a value and older copies
// (a model kept by a test, the previous frame) must not see later marks.
type marks map[string]struct{}

// MarkGlyph is what a marked row shows in its mark column: a plain
// character, so marks read without colour (NO_COLOR, monochrome themes)
// and never look like the conversations' needs-attention "●".
const MarkGlyph = "*"

// MarkColumn is the one-cell column a table shows first while any row is
// marked; it never drops.
var MarkColumn = Column{Title: "", Min: 1, Max: 1}

// Marked reports whether the row with key k is marked.
func (l List) Marked(k string) bool {
	_, ok := l.marks[k]
	return ok
}

// MarkCount is the number of marked rows.
func (l List) MarkCount() int { return len(l.marks) }

// MarkedKeys returns the keys of the marked rows, in no order.
func (l List) MarkedKeys() []string {
	out := make([]string, 0, len(l.marks))
	for k := range l.marks {
		out = append(out, k)
	}
	return out
}

// SetMarked marks or unmarks the rows with keys ks.
func (l List) SetMarked(on bool, ks ...string) List {
	next := maps.Clone(l.marks)
	if next == nil {
		next = marks{}
	}
	for _, k := range ks {
		if on {
			next[k] = struct{}{}
		} else {
			delete(next, k)
		}
	}
	l.marks = next
	return l
}

// ClearMarks unmarks every row.
func (l List) ClearMarks() List { l.marks = nil; return l }

// KeepMarks drops the marks of rows that are gone: present says whether
// a key is still among the table's rows.
func (l List) KeepMarks(present func(k string) bool) List {
	var gone []string
	for k := range l.marks {
		if !present(k) {
			gone = append(gone, k)
		}
	}
	if len(gone) == 0 {
		return l
	}
	return l.SetMarked(false, gone...)
}

// ApplyMark carries out a mark key Update reported (ToggleMark, MarkShown,
// Unmark); keyOf gives the key of a caller's row. Toggling moves the
// cursor down, so space space space marks a run of rows.
func (l List) ApplyMark(ch Change, keyOf func(row int) string) List {
	switch ch {
	case ToggleMark:
		i, ok := l.Current()
		if !ok {
			return l
		}
		k := keyOf(i)
		l = l.SetMarked(!l.Marked(k), k)
		l.Cursor = min(l.Cursor+1, len(l.Order)-1)
		return l.Window()
	case MarkShown:
		ks := make([]string, len(l.Order))
		for i, idx := range l.Order {
			ks[i] = keyOf(idx)
		}
		return l.SetMarked(true, ks...)
	case Unmark:
		return l.ClearMarks()
	}
	return l
}

// MarkCell is the mark column's cell for a row.
func (l List) MarkCell(k string) string {
	if l.Marked(k) {
		return l.Theme.Styles.Accent.Render(MarkGlyph)
	}
	return ""
}

// WithMarkColumn puts the mark column first while any row is marked:
// cols and widths laid out for width-2 cells gain the one-cell column and
// its gap. Without marks they are returned as they are.
func (l List) WithMarkColumn(cols []Column, widths []int) ([]Column, []int) {
	if l.MarkCount() == 0 {
		return cols, widths
	}
	return append([]Column{MarkColumn}, cols...), append([]int{1}, widths...)
}

// MarkRoom is the width the other columns lose to the mark column.
func (l List) MarkRoom() int {
	if l.MarkCount() == 0 {
		return 0
	}
	return 1 + gap
}

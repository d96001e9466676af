package table

import (
	"testing"

	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// press builds a key press the way Bubble Tea delivers it.
var press = testkit.Press

func TestListUpdateReportsWhatTheTableMustDo(t *testing.T) {
	k := DefaultListKeys()
	l := NewList(theme.New(true), "filter", 3)
	l.Focused = true
	l = l.SetSize(80, 3).Reorder([]int{4, 3, 2, 1, 0}, nil)
	steps := []struct {
		key  string
		want Change
	}{
		{"down", Handled}, {"s", NextSort}, {"S", Reverse}, {"!", Unhandled},
		{"/", Handled}, {"a", Refilter}, {"enter", Handled}, {"esc", Refilter},
	}
	for _, s := range steps {
		var ch Change
		l, _, ch = l.Update(press(s.key), k)
		if ch != s.want {
			t.Fatalf("%s: change %d, want %d", s.key, ch, s.want)
		}
	}
	if l.SortBy != 1 || !l.Desc {
		t.Fatalf("sort %d desc %v after s and S, want 1 true", l.SortBy, l.Desc)
	}
	if l.FilterText() != "" || l.Filtering {
		t.Fatalf("esc left filter %q (open %v)", l.FilterText(), l.Filtering)
	}
	if i, ok := l.Current(); !ok || i != 3 {
		t.Fatalf("current row %d %v, want 3 after one step down", i, ok)
	}
}

func TestListReorderKeepsTheCursorOnItsRow(t *testing.T) {
	l := NewList(theme.New(true), "", 1).SetSize(80, 2).Reorder([]int{0, 1, 2, 3}, nil)
	l.Cursor = 3
	l = l.Window()
	if l.Offset != 2 {
		t.Fatalf("offset %d, want 2 to show the last row", l.Offset)
	}
	l = l.Reorder([]int{3, 2, 1, 0}, func(i int) bool { return i == 3 })
	if i, _ := l.Current(); i != 3 || l.Offset != 0 {
		t.Fatalf("cursor on row %d at offset %d, want row 3 at offset 0", i, l.Offset)
	}
	l = l.Reorder(nil, nil)
	if _, ok := l.Current(); ok || l.Cursor != 0 {
		t.Fatalf("an empty list has a current row (cursor %d)", l.Cursor)
	}
}

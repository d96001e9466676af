package table

import (
	"strconv"
	"testing"

	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

func markList(n int) (List, func(int) string) {
	l := NewList(theme.New(true), "", 1).SetSize(80, 10)
	l.Focused = true
	order := make([]int, n)
	for i := range order {
		order[i] = i
	}
	return l.Reorder(order, nil), func(i int) string { return "k" + strconv.Itoa(i) }
}

func pressMark(l List, k string, keyOf func(int) string) List {
	l, _, ch := l.Update(testkit.Press(k), DefaultListKeys())
	if ch.IsMark() {
		l = l.ApplyMark(ch, keyOf)
	}
	return l
}

// space marks and moves down; again on the same row unmarks; * marks
// every row shown; u clears.
func TestMarkKeys(t *testing.T) {
	l, keyOf := markList(5)
	l = pressMark(l, "space", keyOf)
	l = pressMark(l, "space", keyOf)
	if l.MarkCount() != 2 || !l.Marked("k0") || !l.Marked("k1") || l.Cursor != 2 {
		t.Fatalf("marks %v cursor %d", l.MarkedKeys(), l.Cursor)
	}
	l = pressMark(l, "up", keyOf)
	l = pressMark(l, "space", keyOf)
	if l.Marked("k1") || l.MarkCount() != 1 {
		t.Fatalf("space on a marked row must unmark it: %v", l.MarkedKeys())
	}
	l.Order = []int{1, 3} // as a filter leaves them
	l = pressMark(l, "*", keyOf)
	if l.MarkCount() != 3 || !l.Marked("k3") || l.Marked("k2") {
		t.Fatalf("mark all shown: %v", l.MarkedKeys())
	}
	l = pressMark(l, "u", keyOf)
	if l.MarkCount() != 0 {
		t.Fatal("u must clear every mark")
	}
}

// A List is a value: marking a copy leaves the original as it was.
func TestMarksAreCopiedOnWrite(t *testing.T) {
	l, _ := markList(3)
	a := l.SetMarked(true, "k0")
	b := a.SetMarked(true, "k1")
	if a.MarkCount() != 1 || b.MarkCount() != 2 {
		t.Fatalf("copies share marks: %d %d", a.MarkCount(), b.MarkCount())
	}
	c := b.KeepMarks(func(k string) bool { return k == "k1" })
	if c.Marked("k0") || !c.Marked("k1") || !b.Marked("k0") {
		t.Fatal("KeepMarks must drop the gone row's mark in the copy only")
	}
}

// The mark column is only there while something is marked, and its cell
// is a character, not just a colour.
func TestMarkColumnOnlyWhileMarked(t *testing.T) {
	l, _ := markList(2)
	cols, w := l.WithMarkColumn([]Column{{Title: "A", Min: 3}}, []int{3})
	if len(cols) != 1 || len(w) != 1 || l.MarkRoom() != 0 {
		t.Fatal("no marks: no column")
	}
	l = l.SetMarked(true, "k0")
	cols, w = l.WithMarkColumn([]Column{{Title: "A", Min: 3}}, []int{3})
	if len(cols) != 2 || w[0] != 1 || l.MarkRoom() != 2 {
		t.Fatalf("marks: column %v widths %v", cols, w)
	}
	l.Theme = theme.New(true).Monochrome()
	if got := l.MarkCell("k0"); got == "" || l.MarkCell("k1") != "" {
		t.Fatalf("cells %q %q", got, l.MarkCell("k1"))
	}
}

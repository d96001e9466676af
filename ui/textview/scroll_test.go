package textview

import (
	"testing"
)

func TestFollowShowsNewest(t *testing.T) {
	m := newView(20, 3).Append(numbered(0, 10)...)
	wantRows(t, frame(t, m), "line 7", "line 8", "line 9")
	m = m.Append(numbered(10, 2)...)
	wantRows(t, frame(t, m), "line 9", "line 10", "line 11")
}

func TestShortContentIsTopAligned(t *testing.T) {
	m := newView(20, 4).Append(numbered(0, 2)...)
	wantRows(t, frame(t, m), "line 0", "line 1", "", "")
	m = m.ScrollDown(5).ScrollUp(5)
	wantRows(t, frame(t, m), "line 0", "line 1", "", "")
}

func TestScrollUpLeavesFollow(t *testing.T) {
	m := newView(20, 3).Append(numbered(0, 10)...)
	m = m.ScrollUp(2)
	if m.Following() {
		t.Fatal("scrolling up must leave follow mode")
	}
	wantRows(t, frame(t, m), "line 5", "line 6", "line 7")
	// New lines do not move a view that is not following.
	m = m.Append(numbered(10, 5)...)
	wantRows(t, frame(t, m), "line 5", "line 6", "line 7")
	// Scrolling down stops at the bottom without re-entering follow.
	m = m.ScrollDown(100)
	wantRows(t, frame(t, m), "line 12", "line 13", "line 14")
	if m.Following() {
		t.Fatal("ScrollDown must not re-enter follow mode")
	}
	m = m.Append(numbered(15, 1)...)
	wantRows(t, frame(t, m), "line 12", "line 13", "line 14")
	// End re-enters it.
	m = m.GotoBottom()
	if !m.Following() {
		t.Fatal("GotoBottom must enter follow mode")
	}
	wantRows(t, frame(t, m), "line 13", "line 14", "line 15")
}

func TestPagesAndHome(t *testing.T) {
	m := newView(20, 4).Append(numbered(0, 20)...)
	m = m.PageUp()
	wantRows(t, frame(t, m), "line 12", "line 13", "line 14", "line 15")
	m = m.HalfPageUp()
	wantRows(t, frame(t, m), "line 10")
	m = m.HalfPageDown()
	wantRows(t, frame(t, m), "line 12")
	m = m.GotoTop()
	wantRows(t, frame(t, m), "line 0", "line 1", "line 2", "line 3")
	m = m.PageDown()
	wantRows(t, frame(t, m), "line 4")
	m = m.ScrollUp(100)
	wantRows(t, frame(t, m), "line 0")
}

func TestSetFollowOffFreezesView(t *testing.T) {
	m := newView(20, 2).Append(numbered(0, 5)...)
	m = m.SetFollow(false).Append(numbered(5, 3)...)
	wantRows(t, frame(t, m), "line 3", "line 4")
	m = m.SetFollow(true)
	wantRows(t, frame(t, m), "line 6", "line 7")
}

// Scrolling walks wrapped rows: positions are (line, sub-row).
func TestScrollThroughWrappedRows(t *testing.T) {
	// textW = 10 - 2 (gutter) = 8
	m := newView(10, 2).Append(mkLines("aaaaaaaabbbbbbbbcc", "short")...)
	wantRows(t, frame(t, m), "cc", "short")
	m = m.ScrollUp(1)
	wantRows(t, frame(t, m), "bbbbbbbb", "cc")
	m = m.ScrollUp(1)
	wantRows(t, frame(t, m), "aaaaaaaa", "bbbbbbbb")
	m = m.ScrollUp(1) // already at the top
	wantRows(t, frame(t, m), "aaaaaaaa", "bbbbbbbb")
	m = m.ScrollDown(2)
	wantRows(t, frame(t, m), "cc", "short")
	// Narrowing the view re-wraps and keeps the (line, sub-row) position.
	m = m.ScrollUp(1).SetSize(7, 2) // textW 5: aaaaa aaabb bbbbb bbbcc
	wantRows(t, frame(t, m), "aaabb", "bbbbb")
	// A sub-row beyond the line's new row count is clamped to its last row.
	m = m.ScrollDown(2).SetSize(30, 2)
	wantRows(t, frame(t, m), "aaaaaaaabbbbbbbbcc", "short")
}

func TestEvictionUnderAnchor(t *testing.T) {
	m := newView(20, 3, WithMaxLines(10)).Append(numbered(0, 10)...)
	m = m.GotoTop()
	wantRows(t, frame(t, m), "line 0", "line 1", "line 2")
	// Lines above the anchor go: the view moves to the oldest line held.
	m = m.Append(numbered(10, 4)...)
	wantRows(t, frame(t, m), "line 4", "line 5", "line 6")
	// An anchor in the middle is untouched while its line survives.
	m = m.ScrollDown(3)
	wantRows(t, frame(t, m), "line 7", "line 8", "line 9")
	m = m.Append(numbered(14, 2)...)
	wantRows(t, frame(t, m), "line 7", "line 8", "line 9")
	// Evict the whole ring many times over: no panic, a sane view.
	m = m.Append(numbered(16, 1000)...)
	wantRows(t, frame(t, m), "line 1006", "line 1007", "line 1008")
	m = m.ScrollUp(5).ScrollDown(2)
	wantRows(t, frame(t, m), "line 1008", "line 1009", "line 1010")
}

func TestEmptyView(t *testing.T) {
	m := newView(12, 3)
	wantRows(t, frame(t, m), "", "", "")
	m = m.ScrollUp(3).ScrollDown(3).PageUp().GotoTop().GotoBottom().ScrollLeft().ScrollRight()
	m = m.Search("x").NextMatch().PrevMatch()
	wantRows(t, frame(t, m), "", "", "")
	if got := newView(0, 0).View(); got != "" {
		t.Fatalf("zero size renders %q", got)
	}
}

package textview

import (
	"strings"
	"testing"
)

func searchView() Model {
	return newView(30, 3).Append(mkLines(
		"alpha",
		"ERROR one", // 1
		"beta",
		"error two, Error three", // 2, 3
		"gamma",
		"\x1b[31mer\x1b[1mror four\x1b[m", // 4: the match spans colour changes
		"delta",
	)...)
}

func TestSearchCountsAndWraps(t *testing.T) {
	m := searchView().GotoTop()
	m = m.Search("error")
	st := m.SearchStatus()
	if st.Query != "error" || st.Total != 4 || st.Current != 1 {
		t.Fatalf("status = %+v, want error 1/4", st)
	}
	if m.Following() {
		t.Fatal("a search jump must leave follow mode")
	}
	for _, want := range []int{2, 3, 4, 1, 2} {
		m = m.NextMatch()
		if got := m.SearchStatus().Current; got != want {
			t.Fatalf("next: current = %d, want %d", got, want)
		}
	}
	for _, want := range []int{1, 4, 3} {
		m = m.PrevMatch()
		if got := m.SearchStatus().Current; got != want {
			t.Fatalf("prev: current = %d, want %d", got, want)
		}
	}
}

func TestSearchStartsFromTopOfView(t *testing.T) {
	m := searchView() // following: rows "gamma", "...four", "delta"
	m = m.Search("ERROR")
	if got := m.SearchStatus().Current; got != 4 {
		t.Fatalf("current = %d, want 4 (first match at or after the top of the view)", got)
	}
	m = searchView().Search("alpha") // before the view: wraps around
	if st := m.SearchStatus(); st.Current != 1 || st.Total != 1 {
		t.Fatalf("status = %+v", st)
	}
	wantRows(t, frame(t, m), "alpha", "ERROR one", "beta")
}

func TestSearchMovesAnchorToMatch(t *testing.T) {
	m := newView(20, 3).Append(numbered(0, 100)...).GotoTop()
	m = m.Search("line 50")
	got := frame(t, m)
	// The match lands a third of the way down (height 3 → one row above).
	wantRows(t, got, "line 49", "line 50", "line 51")
	// Next wraps to the only match again and does not move a visible match.
	m = m.NextMatch()
	wantRows(t, frame(t, m), "line 49", "line 50", "line 51")
}

func TestSearchHighlights(t *testing.T) {
	m := searchView().GotoTop().Search("error")
	rows := checkFrame(t, m)
	p := m.pens
	// Row 1 holds the current match (reversed style), plain text intact.
	if !strings.Contains(rows[1], p.current+"E") || !strings.Contains(rows[1], "R\x1b[m") {
		t.Fatalf("current match not highlighted: %q", rows[1])
	}
	m = m.NextMatch().NextMatch().NextMatch() // the coloured "er" + "ror"
	rows = checkFrame(t, m)
	var row string
	for _, r := range rows {
		if strings.Contains(stripANSI(r), "four") {
			row = r
		}
	}
	if !strings.Contains(row, p.current+"e") || strings.Contains(row, p.current+"er\x1b[1m") {
		t.Fatalf("a match across SGR changes must be one highlight: %q", row)
	}
	// After the match the line's own attributes come back.
	if !strings.Contains(row, "\x1b[m\x1b[31m\x1b[1m four") {
		t.Fatalf("line colour not restored after the match: %q", row)
	}
	// Non-current matches use the match style.
	m = m.PrevMatch()
	rows = checkFrame(t, m)
	found := false
	for _, r := range rows {
		found = found || strings.Contains(r, p.match)
	}
	if !found {
		t.Fatalf("no match style in %q", rows)
	}
	m = m.ClearSearch()
	for _, r := range checkFrame(t, m) {
		if strings.Contains(r, p.match) || strings.Contains(r, p.current) {
			t.Fatalf("highlight left after ClearSearch: %q", r)
		}
	}
	if m.SearchStatus() != (SearchStatus{}) {
		t.Fatalf("status after clear = %+v", m.SearchStatus())
	}
}

func TestSearchNoMatch(t *testing.T) {
	m := searchView().GotoTop().Search("zzz").NextMatch().PrevMatch()
	if st := m.SearchStatus(); st.Total != 0 || st.Current != 0 || st.Query != "zzz" {
		t.Fatalf("status = %+v", st)
	}
	wantRows(t, frame(t, m), "alpha")
}

func TestSearchFollowsAppendAndEviction(t *testing.T) {
	m := newView(20, 3, WithMaxLines(5)).Append(mkLines("x", "hit", "x", "hit", "x")...)
	m = m.GotoTop().Search("HIT")
	if st := m.SearchStatus(); st.Total != 2 || st.Current != 1 {
		t.Fatalf("status = %+v", st)
	}
	m = m.NextMatch()                    // current: line 3, ordinal 2
	m = m.Append(mkLines("hit", "x")...) // evicts "x", "hit": ordinal 2 → 1
	if st := m.SearchStatus(); st.Total != 2 || st.Current != 1 {
		t.Fatalf("after eviction above current: %+v", st)
	}
	m = m.Append(mkLines("x", "x")...) // evicts "x", the current "hit"
	if st := m.SearchStatus(); st.Total != 1 || st.Current != 0 {
		t.Fatalf("after evicting current: %+v", st)
	}
	m = m.NextMatch()
	if st := m.SearchStatus(); st.Current != 1 {
		t.Fatalf("next after losing current: %+v", st)
	}
}

func TestSearchUnicodeFold(t *testing.T) {
	m := newView(30, 3).Append(mkLines("Ärger im Büro", "ärger", "ÄRGER")...)
	if st := m.Search("äRGER").SearchStatus(); st.Total != 3 {
		t.Fatalf("unicode fold: %+v", st)
	}
	// Offsets stay aligned after folding: the highlight covers the match.
	m = newView(30, 1).Append(mk("Büro BÜRO")).Search("büro").NextMatch()
	rows := checkFrame(t, m)
	if !strings.Contains(rows[0], m.pens.current+"BÜRO\x1b[m") {
		t.Fatalf("highlight misaligned: %q", rows[0])
	}
}

func TestSearchScrollsSidewaysWhenNotWrapping(t *testing.T) {
	long := strings.Repeat(".", 50) + "needle" + strings.Repeat(".", 50)
	m := newView(22, 1, WithWrap(false)).Append(mk(long)).Search("needle") // textW 20
	if x := m.XOffset(); x > 50 || x+20 < 56 {
		t.Fatalf("XOffset %d does not show the match at 50..56", x)
	}
	if !strings.Contains(frame(t, m)[0], "needle") {
		t.Fatalf("match not on screen: %q", frame(t, m)[0])
	}
}

func TestIndexFoldASCII(t *testing.T) {
	cases := []struct {
		h, n string
		want int
	}{
		{"Hello World", "world", 6},
		{"hello", "hello", 0},
		{"hel", "hello", -1},
		{"aaAAb", "aab", 2},
		{"x-1 X-2", "x-2", 4},
		{"[ERR] x", "[err]", 0},
		{"Ünïcode ERR", "err", 10},
		{"", "a", -1},
	}
	for _, c := range cases {
		if got := indexFoldASCII(c.h, c.n); got != c.want {
			t.Errorf("indexFoldASCII(%q, %q) = %d, want %d", c.h, c.n, got, c.want)
		}
	}
}

// bruteCount counts matches the slow, obvious way.
func bruteCount(m Model, q string) int {
	n := 0
	q = strings.ToLower(q)
	for abs := m.st.r.first; abs <= m.st.r.last(); abs++ {
		n += strings.Count(strings.ToLower(stripANSI(m.st.r.at(abs).line.Text)), q)
	}
	return n
}

// finish steps a pending search to the end and returns how many steps it took.
func finish(t *testing.T, m Model) (Model, int) {
	t.Helper()
	steps := 0
	for m.SearchPending() {
		m = m.SearchStep()
		if steps++; steps > 100_000 {
			t.Fatal("search never finishes")
		}
	}
	return m, steps
}

// A search over more text than one step counts in bounded steps, jumps as
// soon as it meets the first match from the top of the view, and ends with
// the same count and ordinal as a one-shot search.
func TestSearchIsIncremental(t *testing.T) {
	m := newView(30, 5).Append(numbered(0, 3000)...)
	m.stepBytes = 1000 // ~14 short lines per step
	m = m.GotoTop().ScrollDown(1500)
	top := m.top(m.layout().textW).abs
	if top != 1500 {
		t.Fatalf("top = %d", top)
	}
	m = m.Search("LINE 26") // matches: 26, 260-269, 2600-2699
	if !m.SearchPending() || !m.SearchStatus().Counting {
		t.Fatal("a big search must be pending after the first step")
	}
	m, steps := finish(t, m)
	if steps < 10 {
		t.Fatalf("finished in %d steps: not incremental", steps)
	}
	st := m.SearchStatus()
	if st.Total != 111 || st.Counting {
		t.Fatalf("status %+v, want 111 matches, done", st)
	}
	// First match at or after line 1500 is "line 2600": ordinal 12.
	if m.st.s.cur != 2600 || st.Current != 12 {
		t.Fatalf("current line %d ordinal %d, want 2600 and 12", m.st.s.cur, st.Current)
	}
	one := newView(30, 5).Append(numbered(0, 3000)...).GotoTop().ScrollDown(1500).Search("LINE 26")
	if one.SearchPending() || one.SearchStatus() != st {
		t.Fatalf("one-shot search %+v differs from incremental %+v", one.SearchStatus(), st)
	}
}

// Matches only before the top of the view are found by the second leg.
func TestSearchIncrementalWrapsAround(t *testing.T) {
	m := newView(30, 5).Append(numbered(0, 2000)...)
	m.stepBytes = 1000
	m, _ = finish(t, m.Search("line 7\x00")) // no match at all: a full pass
	if st := m.SearchStatus(); st.Total != 0 || st.Counting {
		t.Fatalf("status %+v", st)
	}
	m, _ = finish(t, m.Search("line 3"))
	if m.st.s.cur != 3 || m.SearchStatus().Current != 1 {
		t.Fatalf("current %d ordinal %d, want line 3 and 1", m.st.s.cur, m.SearchStatus().Current)
	}
}

// Lines appended and evicted while the pass runs, and next/previous used
// before it ends, leave exact counts.
func TestSearchIncrementalWithStreaming(t *testing.T) {
	m := newView(30, 5, WithMaxLines(1000)).Append(numbered(0, 1000)...)
	m.stepBytes = 700
	m = m.Search("line 10") // 10, 100-109, 1000-1099, and among the new lines
	for i := 0; m.SearchPending(); i++ {
		m = m.Append(numbered(1000+i*7, 7)...).SearchStep()
		if i%3 == 0 {
			m = m.NextMatch()
		}
		if i%5 == 0 {
			m = m.PrevMatch()
		}
		if st := m.SearchStatus(); st.Counting && st.Current != 0 {
			t.Fatalf("an ordinal is shown before the count is known: %+v", st)
		}
	}
	if got, want := m.SearchStatus().Total, bruteCount(m, "line 10"); got != want || got == 0 {
		t.Fatalf("total %d, brute force %d", got, want)
	}
	m = m.NextMatch()
	if st := m.SearchStatus(); st.Current == 0 || st.Current > st.Total {
		t.Fatalf("ordinal after the pass: %+v", st)
	}
}

// Scrolling while a search counts keeps the view where the user put it.
func TestSearchPendingJumpYieldsToUser(t *testing.T) {
	m := newView(30, 3).Append(numbered(0, 3000)...)
	m.stepBytes = 500
	m = m.GotoTop().Search("line 2999")
	m = m.GotoTop()
	m, _ = finish(t, m)
	wantRows(t, frame(t, m), "line 0", "line 1", "line 2")
	if st := m.SearchStatus(); st.Total != 1 || st.Current != 0 {
		t.Fatalf("status %+v", st)
	}
}

package textview

// SearchStatus describes the active search for a status line ("3/17").
type SearchStatus struct {
	// Query is the text searched for; empty when no search is active.
	Query string
	// Current is the 1-based position of the current match, 0 when there
	// is none (no match yet, or its line was evicted) or while Counting.
	Current int
	// Total is the number of matches in the lines held (so far, while
	// Counting).
	Total int
	// Counting is set while the search is still counting the lines held;
	// see Model.SearchStep.
	Counting bool
}

// searchStepBytes bounds the text one search step scans: about a
// millisecond, so no Update is ever held up for long.
const searchStepBytes = 1 << 20

// Search starts a case-insensitive substring search over the text with
// escapes stripped and moves to the first match at or after the top of the
// view, wrapping around. An empty query clears the search.
//
// Search scans at most about a megabyte of text. If the lines held are more
// than that, SearchPending reports true and the caller should call
// SearchStep (from a Cmd, once per Update) until it reports false: the
// match count grows as the pass goes, and the view moves to the first match
// as soon as the pass meets it. Matches in newly appended lines are counted
// as they arrive; next/previous skip counted lines by their stored counts,
// touching no text.
func (m Model) Search(query string) Model {
	if query == "" {
		return m.ClearSearch()
	}
	m.st.setQuery(query, m.top(m.layout().textW).abs)
	return m.SearchStep()
}

// SearchPending reports whether the search is still counting.
func (m Model) SearchPending() bool { return m.st.s.active && m.st.s.pending }

// SearchStep continues a pending search by one bounded step.
func (m Model) SearchStep() Model {
	if !m.SearchPending() {
		return m
	}
	if abs, ok := m.st.step(m.stepBytes); ok {
		m = m.jumpTo(abs, 0)
	}
	return m
}

// NextMatch moves to the match after the current one, wrapping around.
func (m Model) NextMatch() Model { return m.stepMatch(true) }

// PrevMatch moves to the match before the current one, wrapping around.
func (m Model) PrevMatch() Model { return m.stepMatch(false) }

// stepMatch moves to the next or previous match. Without a current match
// (none yet, or its line was evicted) it starts from the top of the view.
func (m Model) stepMatch(forward bool) Model {
	s := m.st.s
	if !s.active {
		return m
	}
	m.st.s.wantJump = false // the user is navigating: the pass must not move the view
	from, idx := s.cur, s.curIdx
	if s.cur < 0 || m.st.evicted(s.cur) {
		from, idx = m.top(m.layout().textW).abs, 0
		if forward {
			idx = -1 // the top line's own matches come first
		}
	}
	step := m.st.prev
	if forward {
		step = m.st.next
	}
	if abs, i, ok := step(from, idx); ok {
		m = m.jumpTo(abs, i)
	}
	return m
}

// ClearSearch ends the search and removes the highlights.
func (m Model) ClearSearch() Model {
	if m.st.s.active {
		m.st.clearQuery()
	}
	return m
}

// SearchStatus reports the active search.
func (m Model) SearchStatus() SearchStatus {
	s := m.st.s
	if !s.active {
		return SearchStatus{}
	}
	return SearchStatus{Query: s.query, Current: s.ordinal, Total: s.total, Counting: s.pending}
}

// jumpTo makes a match current and scrolls to it, leaving follow mode so
// that arriving lines do not carry it away. A match already on screen does
// not move the view; otherwise its row lands a third of the way down, with
// context above it. When not wrapping, the view also scrolls sideways to it.
func (m Model) jumpTo(abs, idx int) Model {
	m.st.setCurrent(abs, idx)
	lay := m.layout()
	e := m.st.r.at(abs)
	text := e.line.Text
	offs := m.st.s.m.offsets(nil, e.plain)
	off := 0
	if idx < len(offs) {
		off = offs[idx]
	}
	row, col := locate(text, lay.textW, m.wrap, off)
	if !m.wrap && (col < m.xOff || col >= m.xOff+lay.textW-1) {
		m.xOff = max(0, col-lay.textW/4)
	}
	target := pos{abs, row}
	t := m.top(lay.textW)
	m.follow = false
	bottom := m.down(t, max(0, m.height-1), lay.textW)
	if !target.before(t) && !bottom.before(target) {
		m.anchor = t
		return m
	}
	m.anchor = m.up(target, m.height/3, lay.textW)
	return m
}

// spans returns the highlight spans of line abs (nil when it has no match).
func (m Model) spans(abs int, e *entry, offs *[]int) []span {
	s := &m.st.s
	if !s.active || e.matches == 0 { // uncounted lines are searched here
		return nil
	}
	*offs = s.m.offsets((*offs)[:0], e.plain)
	out := make([]span, len(*offs))
	for i, o := range *offs {
		out[i] = span{start: o, end: o + len(s.m.needle), current: abs == s.cur && i == s.curIdx}
	}
	return out
}

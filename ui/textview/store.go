package textview

import "github.com/ohdash/ohdash/backend/logbuf"

// store is the ring plus the search index over it. It sits behind a pointer
// in Model: lines are appended in place, never copied per frame.
type store struct {
	r *ring
	s search
}

// search is the active query and where its current match is.
type search struct {
	active bool
	query  string
	m      matcher
	total  int // matches in the lines held
	cur    int // absolute line of the current match; -1 when none
	curIdx int // index of the current match within its line
	// ordinal is the 1-based position of the current match among all
	// matches held (0 when none). Kept up to date as lines are evicted.
	ordinal int
}

func newStore(maxLines, maxBytes int) *store {
	return &store{r: newRing(maxLines, maxBytes), s: search{cur: -1}}
}

// evicted reports whether the line at abs is gone.
func (st *store) evicted(abs int) bool { return abs < st.r.first }

// append adds a line, evicting the oldest lines to stay within the caps and
// keeping match counts exact: a new line is counted once here, an evicted
// line's count is subtracted.
func (st *store) append(l logbuf.Line) {
	e := newEntry(l)
	for st.r.full(e.size()) {
		abs := st.r.first
		e := st.r.popFront()
		if st.s.active {
			st.s.total -= int(e.matches)
			switch {
			case abs == st.s.cur:
				st.s.cur, st.s.ordinal = -1, 0
			case abs < st.s.cur:
				st.s.ordinal -= int(e.matches)
			}
		}
	}
	if st.s.active {
		e.matches = int32(st.s.m.count(e.plain))
		st.s.total += int(e.matches)
	}
	st.r.pushBack(e)
}

// setQuery counts the matches of query in every held line. This is the only
// full pass a search makes; next/previous then skip lines by their counts.
func (st *store) setQuery(query string) {
	st.s = search{active: true, query: query, m: newMatcher(query), cur: -1}
	r := st.r
	st.s.m.chooseAnchor(st.sample(64 << 10))
	for abs := r.first; abs <= r.last(); abs++ {
		e := r.at(abs)
		e.matches = int32(st.s.m.count(e.plain))
		st.s.total += int(e.matches)
	}
}

func (st *store) clearQuery() {
	st.s = search{cur: -1}
	for abs := st.r.first; abs <= st.r.last(); abs++ {
		st.r.at(abs).matches = 0
	}
}

// next returns the first match after match idx of line abs (idx -1: from
// the start of that line), wrapping around to the oldest line.
func (st *store) next(abs, idx int) (int, int, bool) {
	r := st.r
	if st.s.total == 0 {
		return 0, 0, false
	}
	abs = min(max(abs, r.first), r.last())
	if int(r.at(abs).matches) > idx+1 {
		return abs, idx + 1, true
	}
	for a := abs + 1; a <= r.last(); a++ {
		if r.at(a).matches > 0 {
			return a, 0, true
		}
	}
	for a := r.first; a <= abs; a++ {
		if r.at(a).matches > 0 {
			return a, 0, true
		}
	}
	return 0, 0, false
}

// prev returns the last match before match idx of line abs, wrapping around
// to the newest line.
func (st *store) prev(abs, idx int) (int, int, bool) {
	r := st.r
	if st.s.total == 0 {
		return 0, 0, false
	}
	abs = min(max(abs, r.first), r.last())
	if n := int(r.at(abs).matches); idx > 0 && n > 0 {
		return abs, min(idx, n) - 1, true
	}
	for a := abs - 1; a >= r.first; a-- {
		if n := r.at(a).matches; n > 0 {
			return a, int(n) - 1, true
		}
	}
	for a := r.last(); a >= abs; a-- {
		if n := r.at(a).matches; n > 0 {
			return a, int(n) - 1, true
		}
	}
	return 0, 0, false
}

// setCurrent makes match idx of line abs current and computes its ordinal
// (a pass over per-line counts: integers only, no text).
func (st *store) setCurrent(abs, idx int) {
	ord := idx + 1
	for a := st.r.first; a < abs; a++ {
		ord += int(st.r.at(a).matches)
	}
	st.s.cur, st.s.curIdx, st.s.ordinal = abs, idx, ord
}

// sample returns the plain text of up to limit bytes of lines spread evenly
// over the ring, for measuring byte frequencies.
func (st *store) sample(limit int) []string {
	r := st.r
	if r.n == 0 {
		return nil
	}
	avg := max(1, r.bytes/r.n)
	want := max(1, min(r.n, limit/avg))
	step := max(1, r.n/want)
	out := make([]string, 0, want)
	for abs := r.first; abs <= r.last() && len(out) < want; abs += step {
		out = append(out, r.at(abs).plain)
	}
	return out
}

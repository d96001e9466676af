package textview

import "github.com/ohdash/ohdash/backend/logbuf"

// store is the ring plus the search index over it. It sits behind a pointer
// in Model: lines are appended in place, never copied per frame.
type store struct {
	r *ring
	s search
}

// uncounted marks a line whose matches the counting pass has not reached.
const uncounted = -1

// search is the active query, the counting pass and the current match.
//
// A new search counts the lines held in a pass made of bounded steps, so
// that no single call scans the whole ring: first from the top of the view
// to the newest line, then from the oldest line up to the top. The first
// match this order meets is the one a new search jumps to. Lines appended
// meanwhile are counted as they arrive; next/previous count the lines they
// cross if the pass has not got there yet.
type search struct {
	active bool
	query  string
	m      matcher
	total  int // matches in the counted lines held
	cur    int // absolute line of the current match; -1 when none
	curIdx int // index of the current match within its line
	// ordinal is the 1-based position of the current match among all
	// matches held; 0 when there is none or while the pass is running.
	ordinal int

	pending   bool // the counting pass is not finished
	passNext  int  // next line the pass counts
	passEnd   int  // last line of the current leg
	passTop   int  // where the pass started; the second leg stops before it
	secondLeg bool
	wantJump  bool // move to the first match the pass finds
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
		old := st.r.popFront()
		if st.s.active {
			n := int(max(old.matches, 0))
			st.s.total -= n
			switch {
			case abs == st.s.cur:
				st.s.cur, st.s.ordinal = -1, 0
			case abs < st.s.cur && st.s.ordinal > 0:
				st.s.ordinal -= n
			}
		}
	}
	if st.s.active {
		e.matches = int32(st.s.m.count(e.plain))
		st.s.total += int(e.matches)
	}
	st.r.pushBack(e)
}

// setQuery starts a search whose counting pass begins at line top.
func (st *store) setQuery(query string, top int) {
	r := st.r
	st.s = search{
		active: true, query: query, m: newMatcher(query), cur: -1,
		pending: true, passNext: top, passEnd: r.last(), passTop: top, wantJump: true,
	}
	st.s.m.chooseAnchor(st.sample(64 << 10))
	for abs := r.first; abs <= r.last(); abs++ {
		r.at(abs).matches = uncounted
	}
}

func (st *store) clearQuery() {
	st.s = search{cur: -1}
	for abs := st.r.first; abs <= st.r.last(); abs++ {
		st.r.at(abs).matches = 0
	}
}

// lineMatches returns the matches in line abs, counting it if needed.
func (st *store) lineMatches(abs int) int {
	e := st.r.at(abs)
	if e.matches == uncounted {
		e.matches = int32(st.s.m.count(e.plain))
		st.s.total += int(e.matches)
	}
	return int(e.matches)
}

// step advances the counting pass by about budget bytes of text. It
// returns the line to jump to when the pass meets its first match on behalf
// of a new search.
func (st *store) step(budget int) (jump int, ok bool) {
	s, r := &st.s, st.r
	for s.pending && budget > 0 {
		s.passNext = max(s.passNext, r.first)
		if s.passNext > s.passEnd {
			if s.secondLeg {
				s.pending = false
				if s.cur >= 0 {
					st.setCurrent(s.cur, s.curIdx) // the ordinal is known now
				}
				break
			}
			s.secondLeg, s.passNext, s.passEnd = true, r.first, s.passTop-1
			continue
		}
		abs := s.passNext
		s.passNext++
		budget -= len(r.at(abs).plain) + 64 // a line costs something even when short
		if st.lineMatches(abs) > 0 && s.wantJump {
			s.wantJump = false
			jump, ok = abs, true
		}
	}
	return jump, ok
}

// next returns the first match after match idx of line abs (idx -1: from
// the start of that line), wrapping around to the oldest line.
func (st *store) next(abs, idx int) (int, int, bool) {
	r := st.r
	if r.n == 0 || (!st.s.pending && st.s.total == 0) {
		return 0, 0, false
	}
	abs = min(max(abs, r.first), r.last())
	if st.lineMatches(abs) > idx+1 {
		return abs, idx + 1, true
	}
	for a := abs + 1; a <= r.last(); a++ {
		if st.lineMatches(a) > 0 {
			return a, 0, true
		}
	}
	for a := r.first; a <= abs; a++ {
		if st.lineMatches(a) > 0 {
			return a, 0, true
		}
	}
	return 0, 0, false
}

// prev returns the last match before match idx of line abs, wrapping around
// to the newest line.
func (st *store) prev(abs, idx int) (int, int, bool) {
	r := st.r
	if r.n == 0 || (!st.s.pending && st.s.total == 0) {
		return 0, 0, false
	}
	abs = min(max(abs, r.first), r.last())
	if n := st.lineMatches(abs); idx > 0 && n > 0 {
		return abs, min(idx, n) - 1, true
	}
	for a := abs - 1; a >= r.first; a-- {
		if n := st.lineMatches(a); n > 0 {
			return a, n - 1, true
		}
	}
	for a := r.last(); a >= abs; a-- {
		if n := st.lineMatches(a); n > 0 {
			return a, n - 1, true
		}
	}
	return 0, 0, false
}

// setCurrent makes match idx of line abs current and, once every line is
// counted, computes its ordinal (a pass over per-line counts: integers
// only, no text).
func (st *store) setCurrent(abs, idx int) {
	st.s.cur, st.s.curIdx, st.s.ordinal = abs, idx, 0
	if st.s.pending {
		return
	}
	ord := idx + 1
	for a := st.r.first; a < abs; a++ {
		ord += int(st.r.at(a).matches)
	}
	st.s.ordinal = ord
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

package logbuf

// Re-attaching a log stream with since=T makes Docker replay every entry
// whose timestamp is >= T: the entries at exactly T that were already shown
// come again. Entries, not lines, are the unit Docker filters by (a long line
// is several entries), so that is what is tracked and skipped.

// resumePoint is how far a log stream has been read: the newest entry
// timestamp seen, how many complete entries carried exactly it, and how many
// message bytes of one more entry at it arrived before the stream broke.
type resumePoint struct {
	last    stamp
	set     bool
	n       int
	partial int
}

// record notes a complete entry.
func (r *resumePoint) record(ts stamp) {
	switch c := ts.cmp(r.last); {
	case !r.set || c > 0:
		*r = resumePoint{last: ts, set: true, n: 1}
	case c == 0:
		r.n++
		r.partial = 0
	}
}

// recordPartial notes an entry cut short after n message bytes.
func (r *resumePoint) recordPartial(ts stamp, n int) {
	switch c := ts.cmp(r.last); {
	case !r.set || c > 0:
		*r = resumePoint{last: ts, set: true, partial: n}
	case c == 0:
		r.partial = n
	}
}

// What to do with a replayed entry.
const (
	keepEntry = iota
	skipEntry
	skipPrefix // skip the resume point's partial bytes, keep the rest
)

// resumeFilter skips the replayed entries of one re-attachment: those older
// than the resume point, the first n at it, and the bytes of a cut entry
// that were already delivered. The first entry kept ends the replay.
type resumeFilter struct {
	from    resumePoint
	active  bool
	skipped int
}

func newResumeFilter(from resumePoint) resumeFilter {
	return resumeFilter{from: from, active: from.set}
}

func (f *resumeFilter) check(ts stamp) int {
	if !f.active {
		return keepEntry
	}
	switch c := ts.cmp(f.from.last); {
	case c < 0:
		return skipEntry
	case c == 0 && f.skipped < f.from.n:
		f.skipped++
		return skipEntry
	case c == 0 && f.from.partial > 0:
		f.active = false
		return skipPrefix
	}
	f.active = false
	return keepEntry
}

package textview

import (
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// Default caps of the display ring. At realistic 100-byte lines the line
// cap binds first (about 1 MiB of text); the byte cap protects against a
// container that prints very long lines.
const (
	DefaultMaxLines = 10_000
	DefaultMaxBytes = 16 << 20
)

// entry is one stored line, its plain text and the number of search
// matches in it, kept so that match counts and next/previous never rescan.
type entry struct {
	line logbuf.Line
	// plain is Text without escape sequences: the same string when the line
	// has none (most lines), a separate copy for coloured lines so a search
	// never has to strip them again.
	plain   string
	matches int32
}

// size is what an entry counts against the byte cap: its text, plus the
// plain copy when it has one.
func (e *entry) size() int {
	if len(e.plain) == len(e.line.Text) {
		return len(e.line.Text)
	}
	return len(e.line.Text) + len(e.plain)
}

// ring is a bounded FIFO of lines addressed by absolute index: the n-th line
// ever appended has index n-1 forever, so an anchor stays meaningful while
// older lines are evicted under it. Lines live in one circular slice, so an
// append costs O(1) amortised and eviction never copies.
type ring struct {
	buf      []entry
	head     int // position in buf of the oldest line
	n        int // lines held
	first    int // absolute index of the oldest line == lines evicted so far
	bytes    int // sum of entry sizes of held lines
	maxLines int
	maxBytes int
}

func newRing(maxLines, maxBytes int) *ring {
	return &ring{maxLines: max(1, maxLines), maxBytes: max(1, maxBytes)}
}

// last is the absolute index of the newest line (first-1 when empty).
func (r *ring) last() int { return r.first + r.n - 1 }

// at returns the entry with absolute index abs, which must be held.
func (r *ring) at(abs int) *entry {
	i := r.head + abs - r.first
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	return &r.buf[i]
}

// full reports whether adding a line of size bytes must evict first. One
// line is always kept, even if it alone exceeds the byte cap.
func (r *ring) full(size int) bool {
	return r.n > 0 && (r.n >= r.maxLines || r.bytes+size > r.maxBytes)
}

// popFront removes the oldest line and returns it.
func (r *ring) popFront() entry {
	e := r.buf[r.head]
	r.buf[r.head] = entry{} // release the text to the GC
	r.head++
	if r.head == len(r.buf) {
		r.head = 0
	}
	r.n--
	r.first++
	r.bytes -= e.size()
	return e
}

// pushBack appends a line; the caller has made room.
func (r *ring) pushBack(e entry) {
	if r.n == len(r.buf) {
		r.grow()
	}
	i := r.head + r.n
	if i >= len(r.buf) {
		i -= len(r.buf)
	}
	r.buf[i] = e
	r.n++
	r.bytes += e.size()
}

// grow doubles the backing slice (up to maxLines), so a pane that only ever
// sees a few lines never pays for the full cap.
func (r *ring) grow() {
	size := min(max(64, 2*len(r.buf)), r.maxLines)
	buf := make([]entry, size)
	k := copy(buf, r.buf[r.head:])
	copy(buf[k:], r.buf[:r.head])
	r.buf, r.head = buf, 0
}

// newEntry readies a line for storage. The text is copied so that a line
// cut out of a larger read buffer cannot pin that buffer for as long as the
// line is shown (which would make the byte cap a lie), and a missing width
// is measured once here rather than on every frame.
func newEntry(l logbuf.Line) entry {
	l.Text = strings.Clone(l.Text)
	if l.Width <= 0 && l.Text != "" {
		l.Width = ansi.StringWidth(l.Text)
	}
	return entry{line: l, plain: plainText(l.Text)}
}

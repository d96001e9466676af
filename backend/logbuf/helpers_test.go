package logbuf

import (
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// dockerTime is the layout Docker writes timestamps in with timestamps=true.
const dockerTime = "2006-01-02T15:04:05.000000000Z07:00"

// t0 is an arbitrary base time for test entries.
var t0 = time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC)

// at returns t0 plus n microseconds.
func at(n int) time.Time { return t0.Add(time.Duration(n) * time.Microsecond) }

// entry is one Docker log entry: timestamp, space, message.
func entry(ts time.Time, msg string) string {
	return ts.Format(dockerTime) + " " + msg
}

// frame multiplexes payload as one stdcopy frame of the given stream.
func frame(stream byte, payload string) string {
	var h [8]byte
	h[0] = stream
	binary.BigEndian.PutUint32(h[4:], uint32(len(payload)))
	return string(h[:]) + payload
}

// frames builds a multiplexed stream of stdout entries, one per line.
func frames(ts time.Time, lines ...string) string {
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(frame(1, entry(ts, l+"\n")))
	}
	return b.String()
}

// decodeChunks runs the decoder and sanitiser over input cut into the given
// chunk sizes (the last chunk takes the rest) and returns the lines, without
// a delivery goroutine.
func decodeChunks(input []byte, multiplexed bool, opts Options, chunks ...int) []Line {
	p := newTestFeeder(opts)
	p.dec.reset(multiplexed, resumePoint{})
	for _, n := range chunks {
		n = min(n, len(input))
		p.dec.write(input[:n])
		input = input[n:]
	}
	p.dec.write(input)
	p.dec.finish(true)
	return p.pending
}

// decodeBytewise feeds input one byte at a time.
func decodeBytewise(input []byte, multiplexed bool, opts Options) []Line {
	p := newTestFeeder(opts)
	p.dec.reset(multiplexed, resumePoint{})
	for i := range input {
		p.dec.write(input[i : i+1])
	}
	p.dec.finish(true)
	return p.pending
}

// newTestFeeder is a Pipeline without its delivery goroutine, whose decoded
// lines collect in pending.
func newTestFeeder(opts Options) *Pipeline {
	opts = opts.withDefaults()
	p := &Pipeline{
		opts: opts,
		ring: NewRing(opts.MaxLines, opts.MaxBytes),
		san:  sanitize.New(sanitize.Options{StripColor: opts.StripColor, TabWidth: opts.TabWidth}),
	}
	p.dec = newDecoder(opts.MaxLineBytes, opts.Untimed, p.emit)
	return p
}

// texts returns the Text of each line.
func texts(lines []Line) []string { return each(lines, func(l Line) string { return l.Text }) }

// seqs returns the Seq of each line.
func seqs(lines []Line) []uint64 { return each(lines, func(l Line) uint64 { return l.Seq }) }

func each[T any](lines []Line, field func(Line) T) []T {
	out := make([]T, len(lines))
	for i, l := range lines {
		out[i] = field(l)
	}
	return out
}

// checkSanitized fails unless a line's text is safe for a terminal and its
// width is the one the UI will measure.
func checkSanitized(t testing.TB, s string, w int) {
	t.Helper()
	if err := sanitize.Verify(s); err != nil {
		t.Fatalf("unsafe output %q: %v", s, err)
	}
	if sw := ansi.StringWidth(s); sw != w {
		t.Fatalf("width of %q is %d, ansi.StringWidth says %d", s, w, sw)
	}
}

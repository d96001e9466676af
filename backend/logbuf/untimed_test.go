package logbuf

import (
	"strings"
	"testing"
)

// An untimed stream's text is the program's own, even where it starts with
// something shaped like Docker's timestamp; lines carry no time and there
// is no resume point. Multiplexed and raw (TTY) streams alike, with long
// lines that arrive in pieces.
func TestDecodeUntimedKeepsLeadingTimestamps(t *testing.T) {
	long := strings.Repeat("x", 3*partialSize)
	msgs := []string{
		"2026-03-14T15:09:26.535897932Z app's own stamp",
		"plain line",
		long,
	}
	var mux, raw strings.Builder
	for _, m := range msgs {
		for rest := m + "\n"; rest != ""; {
			n := min(len(rest), partialSize)
			mux.WriteString(frame(1, rest[:n]))
			rest = rest[n:]
		}
		raw.WriteString(m + "\n")
	}
	for _, c := range []struct {
		name        string
		input       string
		multiplexed bool
	}{{"multiplexed", mux.String(), true}, {"raw", raw.String(), false}} {
		t.Run(c.name, func(t *testing.T) {
			for _, chunk := range []int{1, 7, 4096, 1 << 20} {
				p := newTestFeeder(Options{Untimed: true})
				p.dec.reset(c.multiplexed, resumePoint{})
				in := []byte(c.input)
				for len(in) > 0 {
					n := min(chunk, len(in))
					p.dec.write(in[:n])
					in = in[n:]
				}
				p.dec.finish(true)
				got := texts(p.pending)
				if strings.Join(got, "\n") != strings.Join(msgs, "\n") {
					t.Fatalf("chunk %d: got %d lines %.200q", chunk, len(got), got)
				}
				for _, l := range p.pending {
					if !l.Time.IsZero() {
						t.Fatalf("chunk %d: an untimed line has time %v", chunk, l.Time)
					}
				}
				if p.dec.point.set {
					t.Fatalf("chunk %d: an untimed stream recorded a resume point", chunk)
				}
			}
		})
	}
}

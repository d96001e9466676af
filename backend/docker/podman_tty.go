package docker

import (
	"bytes"
	"encoding/binary"
	"io"
	"time"
)

// podmanTTY turns Podman's log stream of a TTY container into Docker's
// multiplexed framing, one stdout frame per log entry, so the log decoder
// can tell a piece of a line from a whole one.
//
// Why: Podman's conmon stores a TTY's output in the pieces it happened to
// read, and the compatible API writes each piece as "<timestamp> <text>",
// with a '\n' only after a piece that ends a line. So a timestamp can start
// in the middle of a line, wherever a read ended. Docker cuts pieces only
// at 16 KiB, which is what the decoder expects of a raw stream; in frames,
// a piece is simply a frame that does not end with '\n'.
//
// A piece ends at a '\n' or where the next entry's timestamp starts. Podman
// stamps to the second, in RFC 3339 followed by a space; text that looks
// exactly like that, inside a line, is taken for a timestamp only if it is
// not older than the piece's own and not in the future, which a program's
// own timestamps in its output rarely are both.
type podmanTTY struct {
	r    io.ReadCloser
	now  func() time.Time
	buf  []byte
	in   []byte // read, not yet framed
	out  []byte // framed, not yet returned
	eof  error
	last time.Time // timestamp of the entry being framed
}

func newPodmanTTY(r io.ReadCloser) *podmanTTY {
	return &podmanTTY{r: r, now: time.Now}
}

// Close closes the underlying stream.
func (p *podmanTTY) Close() error { return p.r.Close() }

// Read returns the next framed bytes.
func (p *podmanTTY) Read(b []byte) (int, error) {
	for len(p.out) == 0 {
		if p.frame() {
			continue
		}
		if p.eof != nil {
			if len(p.in) > 0 {
				p.emit(p.in) // a truncated tail: pass it on as it is
				p.in = nil
				continue
			}
			return 0, p.eof
		}
		if p.buf == nil {
			p.buf = make([]byte, readChunk)
		}
		n, err := p.r.Read(p.buf)
		p.in = append(p.in, p.buf[:n]...)
		if err != nil {
			p.eof = err
		}
	}
	n := copy(b, p.out)
	p.out = p.out[n:]
	return n, nil
}

// maxStampLen bounds an RFC 3339 timestamp with a zone offset and nanoseconds.
const maxStampLen = len("2006-01-02T15:04:05.999999999-07:00")

// frame moves the complete entries at the start of in to out; false when it
// needs more input to find where the next entry ends.
func (p *podmanTTY) frame() bool {
	moved := false
	for len(p.in) > 0 {
		if ts, ok := parseStamp(p.in); ok {
			p.last = ts
		}
		end, ok := p.entryEnd()
		if !ok {
			break
		}
		p.emit(p.in[:end])
		p.in = p.in[end:]
		moved = true
	}
	return moved
}

// entryEnd finds the end of the entry at the start of in: after its '\n',
// or where a timestamp starts. ok is false when in does not tell yet.
func (p *podmanTTY) entryEnd() (int, bool) {
	// Past the entry's own stamp; an entry without one is all text.
	from := bytes.IndexByte(p.in[:min(len(p.in), maxStampLen+1)], ' ') + 1
	if from == 0 && len(p.in) <= maxStampLen && p.eof == nil {
		return 0, false
	}
	for i := from; i < len(p.in); i++ {
		switch {
		case p.in[i] == '\n':
			return i + 1, true
		case p.in[i] >= '0' && p.in[i] <= '9' && p.stampAt(i):
			return i, true
		case len(p.in)-i <= maxStampLen && p.eof == nil && p.in[i] >= '0' && p.in[i] <= '9':
			// Maybe a timestamp cut off by the read: wait for more.
			return 0, false
		}
	}
	return 0, false
}

// stampAt reports whether a new entry's timestamp starts at in[i].
func (p *podmanTTY) stampAt(i int) bool {
	ts, ok := parseStamp(p.in[i:])
	return ok && !ts.Before(p.last) && !ts.After(p.now().Add(time.Minute))
}

// parseStamp reads "<RFC 3339 time> " at the start of b.
func parseStamp(b []byte) (time.Time, bool) {
	if len(b) < len("2006-01-02T15:04:05Z ") || b[4] != '-' || b[10] != 'T' {
		return time.Time{}, false
	}
	sp := bytes.IndexByte(b[:min(len(b), maxStampLen+1)], ' ')
	if sp < 0 {
		return time.Time{}, false
	}
	ts, err := time.Parse(time.RFC3339Nano, string(b[:sp]))
	return ts, err == nil
}

// emit appends one stdout frame carrying entry.
func (p *podmanTTY) emit(entry []byte) {
	var h [8]byte
	h[0] = 1
	binary.BigEndian.PutUint32(h[4:], uint32(len(entry)))
	p.out = append(append(p.out, h[:]...), entry...)
}

package docker

import (
	"bytes"
	"encoding/binary"
	"io"
	"time"
)

// replayFilter drops log entries that Docker sends a second time within
// one attachment. Engine 20.10's json-file reader, following a file that
// grows fast, can stall and then re-read an earlier stretch of the file
// (seen here: 100,000 lines arrive once each, then ~4,000 of them again).
// Timestamps of one output stream only ever grow within an attachment
// (one copier goroutine stamps them), so an entry older than the last one
// seen on its stream is a replay. Across streams the order is not strict,
// hence one clock per stream. Equal timestamps are legitimate (the parts of
// a long line share one), so the entries seen at the newest timestamp are
// counted, and a replay skips that many when it gets back to it.
//
// The reader passes Docker's log stream through otherwise unchanged:
// multiplexed frames whole, or for a TTY stream the raw bytes.
type replayFilter struct {
	filterReader
	multiplexed bool
	clocks      [4]streamClock // by stream type (0 stdin, 1 stdout, 2 stderr, 3 system)
	dropped     int

	// TTY mode: whether the next byte starts an entry, and whether the
	// entry being passed through is kept.
	atStart bool
	keep    bool
}

// readChunk is the size of the filter's reads from the engine.
const readChunk = 32 << 10

func newReplayFilter(r io.ReadCloser, multiplexed bool) *replayFilter {
	return &replayFilter{filterReader: filterReader{r: r}, multiplexed: multiplexed, atStart: true, keep: true}
}

// Read returns the next kept bytes.
func (f *replayFilter) Read(p []byte) (int, error) { return f.read(p, f.examine) }

// filterReader is the read loop the log filters share: it reads the engine's
// stream in chunks and returns what the filter's examine step kept.
type filterReader struct {
	r   io.ReadCloser
	buf []byte // read buffer
	in  []byte // read, not yet examined
	out []byte // examined and kept, not yet returned
	eof error
	// dropCut drops a frame cut short by the end of the stream instead of
	// passing it on: for a filter that recognises replays by content, the
	// next attachment replays that frame whole and it is shown then.
	dropCut bool
}

// Close closes the underlying stream.
func (f *filterReader) Close() error { return f.r.Close() }

// read returns the next kept bytes; examine moves units from in to out and
// reports false when it needs more input.
func (f *filterReader) read(p []byte, examine func() bool) (int, error) {
	for len(f.out) == 0 {
		switch {
		case examine():
		case f.eof == nil:
			f.fill()
		case len(f.in) > 0 && f.dropCut:
			f.in = nil
		case len(f.in) > 0:
			// A truncated tail: pass it on for the decoder to judge (a
			// re-attachment replays it).
			f.out, f.in = append(f.out, f.in...), nil
		default:
			return 0, f.eof
		}
	}
	n := copy(p, f.out)
	f.out = f.out[n:]
	return n, nil
}

func (f *filterReader) fill() {
	if f.buf == nil {
		f.buf = make([]byte, readChunk)
	}
	n, err := f.r.Read(f.buf)
	f.in = append(f.in, f.buf[:n]...)
	if err != nil {
		f.eof = err
	}
}

// frames moves the whole multiplexed frames in in to out, those keep
// accepts, and counts the others; false when it needs more input.
func (f *filterReader) frames(keep func(frame []byte) bool) (moved bool, dropped int) {
	for len(f.in) >= 8 {
		size := int(binary.BigEndian.Uint32(f.in[4:8]))
		if len(f.in) < 8+size {
			break
		}
		frame := f.in[:8+size]
		if keep(frame) {
			f.out = append(f.out, frame...)
		} else {
			dropped++
		}
		f.in = f.in[8+size:]
		moved = true
	}
	return moved, dropped
}

// examine moves complete units (frames, or TTY segments) from in to out,
// dropping replays; false when it needs more input.
func (f *replayFilter) examine() bool {
	if f.multiplexed {
		return f.examineFrames()
	}
	return f.examineRaw()
}

func (f *replayFilter) examineFrames() bool {
	moved, dropped := f.frames(func(frame []byte) bool {
		return f.fresh(int(frame[0])&3, frame[8:], frame[len(frame)-1] == '\n')
	})
	f.dropped += dropped
	return moved
}

// examineRaw handles a TTY stream: entries are "<timestamp> <text>" and
// end with a newline.
func (f *replayFilter) examineRaw() bool {
	moved := false
	for len(f.in) > 0 {
		if f.atStart {
			sp := bytes.IndexByte(f.in, ' ')
			if sp < 0 && len(f.in) < 64 {
				break // wait for the whole timestamp
			}
			// Without a TTY's stream framing, the parts of a long line are
			// indistinguishable from one line: every entry ends one.
			f.keep = f.fresh(1, f.in, true)
			f.atStart = false
		}
		nl := bytes.IndexByte(f.in, '\n')
		seg := f.in
		if nl >= 0 {
			seg, f.atStart = f.in[:nl+1], true
		}
		if f.keep {
			f.out = append(f.out, seg...)
		} else if f.atStart {
			f.dropped++
		}
		f.in = f.in[len(seg):]
		moved = true
	}
	return moved
}

// streamClock is how far one output stream has got.
type streamClock struct {
	last time.Time
	// atLast counts the entries seen with timestamp last; complete says
	// whether the newest of them ended its line.
	atLast   int
	complete bool
	// replaying is set from an entry older than last until the replay
	// catches up; skip is how many entries at last it still has to skip.
	replaying bool
	skip      int
}

// admit reports whether an entry stamped ts is new, and records it. Only
// the continuation of a long line (whose earlier part did not end the line)
// can share the stamp of the entry before it; any other entry at the
// newest stamp is the start of a replay.
func (c *streamClock) admit(ts time.Time, endsLine bool) bool {
	switch {
	case ts.After(c.last):
		c.last, c.atLast, c.complete, c.replaying = ts, 1, endsLine, false
		return true
	case ts.Before(c.last):
		if !c.replaying {
			c.replaying, c.skip = true, c.atLast
		}
		return false
	case c.replaying && c.skip > 0:
		c.skip--
		return false
	case c.complete:
		c.replaying, c.skip = true, c.atLast-1
		return false
	default:
		c.replaying = false
		c.atLast++
		c.complete = endsLine
		return true
	}
}

// fresh reports whether the entry (starting with its timestamp) is new on
// its stream, and records it.
func (f *replayFilter) fresh(stream int, entry []byte, endsLine bool) bool {
	sp := bytes.IndexByte(entry, ' ')
	if sp < 0 {
		sp = len(entry)
	}
	ts, err := time.Parse(time.RFC3339Nano, string(entry[:sp]))
	if err != nil {
		return true // not a timestamped entry: let the decoder judge
	}
	return f.clocks[stream].admit(ts, endsLine)
}

package logbuf

import (
	"context"
	"sync"
)

// Default caps of a Ring.
const (
	DefaultMaxLines = 10000
	DefaultMaxBytes = 16 << 20
)

// Ring is the bounded queue between a log reader and its consumer. Push
// never blocks on the consumer: when the ring is over its line or byte cap,
// the oldest lines are dropped and counted. PushWait is the lossless
// alternative: it waits for the consumer to make room instead. The consumer
// takes everything pending at once with Drain. It is safe for concurrent
// use.
type Ring struct {
	maxLines, maxBytes int

	mu      sync.Mutex
	lines   []Line // pending lines are lines[head:]
	head    int
	bytes   int // len(Text) summed over pending lines
	dropped uint64
	nextCap int

	ready chan struct{}
	room  chan struct{} // signalled by Drain, for PushWait
}

// NewRing returns a ring that holds at most maxLines lines and maxBytes
// bytes of Text (zero or less selects the defaults). The newest line is
// always kept, even when it alone is over the byte cap.
func NewRing(maxLines, maxBytes int) *Ring {
	if maxLines <= 0 {
		maxLines = DefaultMaxLines
	}
	if maxBytes <= 0 {
		maxBytes = DefaultMaxBytes
	}
	return &Ring{maxLines: maxLines, maxBytes: maxBytes, ready: make(chan struct{}, 1), room: make(chan struct{}, 1)}
}

// Push appends lines, dropping the oldest pending ones when over a cap, and
// signals Ready.
func (r *Ring) Push(lines ...Line) {
	if len(lines) == 0 {
		return
	}
	r.mu.Lock()
	if excess := len(lines) - r.maxLines; excess > 0 {
		// More than the ring holds: the first ones would be dropped at once.
		r.dropped += uint64(excess)
		lines = lines[excess:]
	}
	r.appendLocked(lines)
	for n := len(r.lines) - r.head; n > 1 && (n > r.maxLines || r.bytes > r.maxBytes); n-- {
		r.bytes -= len(r.lines[r.head].Text)
		r.lines[r.head] = Line{} // let the text go
		r.head++
		r.dropped++
	}
	r.mu.Unlock()
	r.signalReady()
}

// PushWait appends lines without ever dropping one: while the ring is at
// its line or byte cap it waits for Drain to make room, so a slow consumer
// slows the producer down (backpressure). Once there is room, all of lines
// go in, so the ring holds at most its caps plus one call's lines. It
// returns ctx.Err() if ctx ends first, or ErrClosed if stop is closed
// first; the lines are not added then.
func (r *Ring) PushWait(ctx context.Context, stop <-chan struct{}, lines ...Line) error {
	if len(lines) == 0 {
		return nil
	}
	for {
		r.mu.Lock()
		if n := len(r.lines) - r.head; n < r.maxLines && r.bytes < r.maxBytes {
			break // locked: append below
		}
		r.mu.Unlock()
		select {
		case <-r.room:
		case <-ctx.Done():
			return ctx.Err()
		case <-stop:
			return ErrClosed
		}
	}
	r.appendLocked(lines)
	r.mu.Unlock()
	r.signalReady()
	return nil
}

// appendLocked appends lines to the pending ones; r.mu is held.
func (r *Ring) appendLocked(lines []Line) {
	if r.lines == nil {
		r.lines = make([]Line, 0, max(r.nextCap, len(lines), 64))
	} else if r.head > 0 && len(r.lines)+len(lines) > cap(r.lines) {
		r.compact()
	}
	for _, l := range lines {
		r.bytes += len(l.Text)
	}
	r.lines = append(r.lines, lines...)
}

func (r *Ring) signalReady() {
	select {
	case r.ready <- struct{}{}:
	default:
	}
}

// compact moves the pending lines to the front of the slice.
func (r *Ring) compact() {
	n := copy(r.lines, r.lines[r.head:])
	clear(r.lines[n:])
	r.lines = r.lines[:n]
	r.head = 0
}

// Drain returns every pending line, oldest first, and empties the ring; the
// caller owns the slice. dropped is the total number of lines dropped since
// the ring was made.
func (r *Ring) Drain() (lines []Line, dropped uint64) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.lines) > r.head {
		lines = r.lines[r.head:]
		// The next batch is likely about as large: size for it up front,
		// with room to grow, so a steady stream never regrows the slice
		// (copying lines full of pointers is most of what a push costs).
		r.nextCap = min(2*len(lines), r.maxLines)
		r.lines, r.head, r.bytes = nil, 0, 0
		select {
		case r.room <- struct{}{}:
		default:
		}
	}
	return lines, r.dropped
}

// Ready receives a value after lines were pushed; it holds at most one, so
// a consumer wakes once for any number of pushes.
func (r *Ring) Ready() <-chan struct{} { return r.ready }

// Len returns the number of pending lines.
func (r *Ring) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.lines) - r.head
}

// Dropped returns the total number of lines dropped so far.
func (r *Ring) Dropped() uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.dropped
}

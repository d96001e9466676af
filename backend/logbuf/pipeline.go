package logbuf

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend/sanitize"
)

// Defaults of Options.
const (
	DefaultFlushInterval = 50 * time.Millisecond
	DefaultMaxLineBytes  = 1 << 20
)

// ErrClosed is returned by Feed once the pipeline is closed or its context
// is done.
var ErrClosed = errors.New("logbuf: pipeline closed")

// Options configures a Pipeline. Zero values select the defaults.
type Options struct {
	MaxLines      int           // ring cap in lines (default 10000)
	MaxBytes      int           // ring cap in bytes of Text (default 16 MiB)
	FlushInterval time.Duration // batch delivery interval (default 50ms)
	StripColor    bool          // drop SGR instead of keeping it
	TabWidth      int           // default 8
	// MaxLineBytes bounds the memory one line may take while it is
	// assembled (default 1 MiB). A longer line is delivered in pieces of at
	// most this many bytes, each with the line's timestamp, all but the
	// last marked Line.Continues: cut, not lost.
	MaxLineBytes int
	// Lossless makes a slow consumer slow the reader down instead of
	// losing lines: Feed waits while the ring is at its caps (so memory
	// stays bounded by them), and batches go out as soon as the consumer
	// takes the previous one, without the flush interval's pacing. For
	// output that must be complete, like a command line's; a display that
	// must stay live keeps the default and shows Batch.Dropped.
	Lossless bool
	// Untimed says the stream was requested without timestamps
	// (timestamps=false): lines have no Time, nothing at the start of an
	// entry is taken for a timestamp, and ResumeFrom stays zero, so a
	// broken attachment cannot be resumed. The engine does less work; for
	// a history read whose times are not shown.
	Untimed bool
	// Mask, when set, rewrites each sanitised line to hide credentials
	// (the caller's set of known secret values: a container that prints
	// its own session key must not show it where ohdash masks it
	// everywhere else). It is called once per line, so it must be cheap.
	Mask func(string) string
}

func (o Options) withDefaults() Options {
	if o.FlushInterval <= 0 {
		o.FlushInterval = DefaultFlushInterval
	}
	if o.MaxLineBytes <= 0 {
		o.MaxLineBytes = DefaultMaxLineBytes
	}
	return o
}

// Pipeline is the log buffer of one container's log stream: it decodes
// Docker's log stream (Feed), sanitises lines, queues them in a bounded Ring
// and delivers them in batches, at most one per flush interval (Batches).
//
// Feed runs on the caller's goroutine (the reader) and, by default, never
// waits for the consumer; delivery runs on the pipeline's own goroutine.
// When the consumer falls behind, the ring drops the oldest lines and
// Batch.Dropped counts them. With Options.Lossless, Feed waits for the
// consumer instead, which stops reading the stream until it catches up.
type Pipeline struct {
	opts   Options
	ring   *Ring
	out    chan Batch
	wake   chan struct{}
	closed chan struct{} // closed by Close, to cut a pacing wait short
	done   chan struct{} // closed when the delivery goroutine has stopped

	mu       sync.Mutex // guards the fields below
	state    State
	err      error
	version  uint64 // bumped by SetState
	closing  bool
	closeErr error
	stopped  bool
	resume   resumePoint

	feedMu  sync.Mutex // one Feed at a time; guards the fields below
	dec     *decoder
	san     *sanitize.Sanitizer
	seq     uint64
	pending []Line
	readBuf []byte
}

// readSize is the buffer Feed reads into.
const readSize = 64 << 10

// NewPipeline starts a pipeline. Its delivery goroutine stops when ctx is
// done or after Close has delivered the final batch; either way Batches is
// then closed.
func NewPipeline(ctx context.Context, opts Options) *Pipeline {
	opts = opts.withDefaults()
	p := &Pipeline{
		opts:   opts,
		ring:   NewRing(opts.MaxLines, opts.MaxBytes),
		out:    make(chan Batch, 1),
		wake:   make(chan struct{}, 1),
		closed: make(chan struct{}),
		done:   make(chan struct{}),
		san:    sanitize.New(sanitize.Options{StripColor: opts.StripColor, TabWidth: opts.TabWidth}),
	}
	p.dec = newDecoder(opts.MaxLineBytes, opts.Untimed, p.emit)
	go p.deliver(ctx)
	return p
}

// Batches delivers the stream's lines: at most one batch per flush interval
// and only when there are new lines, a changed drop count or a state change
// (the final batch, State Ended, goes out as soon as Close is called). It has
// capacity 1 and is closed after the final batch, or when the pipeline's
// context is done.
func (p *Pipeline) Batches() <-chan Batch { return p.out }

// Feed decodes one attachment to Docker's log stream, requested with
// timestamps=true (unless Options.Untimed); multiplexed is true when the container has no TTY (a
// stream that turns out otherwise is detected from its first bytes, or read
// raw from the first invalid frame header on). It returns nil at EOF,
// ctx.Err() when ctx is done and a wrapped error when a read fails. If r is
// an io.Closer it is closed when ctx is done, so that a blocked read returns.
// A line that was not finished when the stream ended is delivered as it is.
//
// Feed may be called again to re-attach (calls are serialised): framing and
// partial lines start afresh, and entries the earlier attachments already
// delivered are skipped when Docker replays them, so re-attaching with
// since=ResumeFrom() shows every line exactly once. If the connection broke
// in the middle of a line, the part that had arrived was delivered then and
// the rest arrives as a line of its own.
func (p *Pipeline) Feed(ctx context.Context, r io.Reader, multiplexed bool) error {
	p.feedMu.Lock()
	defer p.feedMu.Unlock()
	if p.isStopped() {
		return ErrClosed
	}
	if c, ok := r.(io.Closer); ok {
		stop := context.AfterFunc(ctx, func() { _ = c.Close() })
		defer stop()
	}
	p.mu.Lock()
	from := p.resume
	p.mu.Unlock()
	p.dec.reset(multiplexed, from)
	if p.readBuf == nil {
		p.readBuf = make([]byte, readSize)
	}
	for {
		if err := ctx.Err(); err != nil {
			_ = p.endFeed(ctx, false)
			return err
		}
		n, err := r.Read(p.readBuf)
		if n > 0 {
			p.dec.write(p.readBuf[:n])
			if perr := p.publish(ctx); perr != nil {
				return perr
			}
		}
		if err != nil {
			eof := errors.Is(err, io.EOF)
			if perr := p.endFeed(ctx, eof); perr != nil {
				return perr
			}
			switch {
			case eof:
				return nil
			case ctx.Err() != nil:
				return ctx.Err()
			}
			return fmt.Errorf("logbuf: reading log stream: %w", err)
		}
	}
}

func (p *Pipeline) endFeed(ctx context.Context, eof bool) error {
	p.dec.finish(eof)
	return p.publish(ctx)
}

// emit turns one decoded line into a Line; the decoder calls it.
func (p *Pipeline) emit(st Stream, ts stamp, hasTS bool, raw []byte, cont bool) {
	text, width := p.san.Line(raw)
	if p.opts.Mask != nil {
		if m := p.opts.Mask(text); m != text {
			// The masked form is sanitised text too; measured again.
			text, width = p.san.Line([]byte(m))
		}
	}
	p.seq++
	l := Line{Seq: p.seq, Stream: st, Text: text, Width: width, Continues: cont}
	if hasTS {
		l.Time = ts.time()
	}
	p.pending = append(p.pending, l)
}

// publish moves the lines decoded from one read into the ring, and records
// how far the stream has been read. A lossless pipeline waits for room
// first; it fails only when ctx ends or delivery has stopped meanwhile, and
// then the lines were not delivered (nor is the resume point moved past
// them).
func (p *Pipeline) publish(ctx context.Context) error {
	if p.opts.Lossless {
		if err := p.ring.PushWait(ctx, p.done, p.pending...); err != nil {
			clear(p.pending)
			p.pending = p.pending[:0]
			return err
		}
	} else {
		p.ring.Push(p.pending...)
	}
	clear(p.pending)
	p.pending = p.pending[:0]
	p.mu.Lock()
	p.resume = p.dec.point
	p.mu.Unlock()
	return nil
}

// ForgetResume makes the next Feed skip nothing it is given: for a caller
// that removes replayed entries itself (Podman's, whose stamps are whole
// seconds, by content). ResumeFrom is zero until an entry is decoded again.
func (p *Pipeline) ForgetResume() {
	p.mu.Lock()
	p.resume = resumePoint{}
	p.mu.Unlock()
}

// ResumeFrom returns the since= value for re-attaching: the timestamp of
// the newest log entry decoded so far (zero if none). Docker replays entries
// at exactly this time; Feed skips the ones already delivered.
func (p *Pipeline) ResumeFrom() time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.resume.set {
		return time.Time{}
	}
	return p.resume.last.time()
}

// SetState records the stream's state (Streaming, Waiting, Reconnecting)
// and why; the next batch reports it. Ignored after Close.
func (p *Pipeline) SetState(s State, err error) {
	p.mu.Lock()
	if p.closing {
		p.mu.Unlock()
		return
	}
	p.state, p.err = s, err
	p.version++
	p.mu.Unlock()
	p.signal()
}

// Close ends the stream: the delivery goroutine flushes pending lines into a
// final batch with State Ended and err, then closes Batches. Close does not
// wait for the consumer; call it after the last Feed has returned. Later
// calls do nothing.
func (p *Pipeline) Close(err error) {
	p.mu.Lock()
	if p.closing {
		p.mu.Unlock()
		return
	}
	p.closing, p.closeErr = true, err
	p.mu.Unlock()
	close(p.closed)
	p.signal()
}

func (p *Pipeline) signal() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

func (p *Pipeline) isStopped() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closing || p.stopped
}

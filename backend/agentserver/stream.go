package agentserver

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// StreamTuning adjusts the live stream's timing and bounds; zero fields
// take the defaults noted. Tests shorten the timers.
type StreamTuning struct {
	// ReadyGrace is how long to wait for the first frame before loading
	// history anyway (the server subscribes before it sends anything, and
	// skips its snapshot if that takes over 0.5 s). Default 2 s.
	ReadyGrace time.Duration
	// PingInterval is how long the socket may be quiet before the client
	// pings (default 4 s; frames count as answers, so a busy socket is not
	// pinged); AnswerDeadline how long a ping may go unanswered before the
	// stream says it is not answering, socket kept open (default
	// backend.AnswerDeadline, 2 s); IdleTimeout how long the socket may
	// stay silent, pongs included, before it is dropped and redialled
	// (default 20 s).
	PingInterval, AnswerDeadline, IdleTimeout time.Duration
	// DialTimeout bounds the websocket handshake (default 10 s).
	DialTimeout time.Duration
	// ResyncDelay is how long the history reload after an unreadable frame
	// waits for the next event (which triggers it at once), and the period
	// of the reloads while a subscription is taken on trust. Default 1 s.
	ResyncDelay time.Duration
	// MaxFrame is the largest frame read from the socket (default 64 MiB);
	// a bigger event is fetched over REST instead.
	MaxFrame int64
	// MaxPending is how many events wait for a slow consumer before the
	// stream stops reading (default 4096).
	MaxPending int
	// Window is how many recent event ids are remembered for
	// de-duplication (default 4096).
	Window int
	// NewBackoff makes the reconnect policy (default backend.NewBackoff:
	// 1 s doubling to 30 s with jitter).
	NewBackoff func() *backend.Backoff
}

func (t StreamTuning) withDefaults() StreamTuning {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.ReadyGrace, 2*time.Second)
	def(&t.PingInterval, 4*time.Second)
	def(&t.AnswerDeadline, backend.AnswerDeadline)
	def(&t.IdleTimeout, 20*time.Second)
	def(&t.DialTimeout, 10*time.Second)
	def(&t.ResyncDelay, time.Second)
	if t.MaxFrame <= 0 {
		t.MaxFrame = 64 << 20
	}
	if t.MaxPending <= 0 {
		t.MaxPending = 4096
	}
	if t.Window <= 0 {
		t.Window = 4096
	}
	if t.NewBackoff == nil {
		t.NewBackoff = backend.NewBackoff
	}
	return t
}

// StreamEvents follows a conversation live. See stream.go's stream type
// for the algorithm; backend.EventStreamer for the contract.
func (c *Client) StreamEvents(ctx context.Context, convID string, opts backend.StreamOptions) <-chan backend.EventUpdate {
	out := make(chan backend.EventUpdate)
	s := &stream{c: c, opts: opts, box: clientkit.NewOutbox(c.tuning.MaxPending), win: newWindow(c.tuning.Window)}
	if opts.Raw {
		s.rawCap = maxRaw
	}
	id, err := backend.ParseConversationID(convID)
	s.id = id
	done := make(chan struct{})
	go s.box.Deliver(ctx, out, done)
	go func() {
		defer close(done)
		if err != nil {
			s.close(err)
			return
		}
		s.run(ctx)
	}()
	return out
}

// stream is one conversation's live event feed.
//
// Each connection runs: dial (resend_mode=since from the last timestamp
// held, or resend_all on servers before 1.15) → wait for the first frame,
// normally the ConversationStateUpdateEvent snapshot sent on subscribe,
// which marks the stream ready (it feeds status and usage and is never
// stored, so it is not delivered as an event) → load what was missed
// through REST events/search from the last timestamp, paged to the end, in
// log order → live frames. Frames that arrive meanwhile wait in the socket (they are
// not read during the load), so everything is delivered in log order: REST
// covers all events stored before it finished, the subscription all events
// after it began. Replays and the overlap are removed by the window (ids
// plus a timestamp floor, bounded). Failures reconnect with backoff; 4001
// and 4004 (and a refused key or a deleted conversation over REST) close
// the stream for good.
type stream struct {
	c      *Client
	id     string
	opts   backend.StreamOptions
	rawCap int
	box    *clientkit.Outbox
	link   *clientkit.Link
	win    *window

	loaded   bool // the first history load (tail or full) is done
	everLive bool
	typing   string // raw streamed text, bounded
	skipped  int
	resync   bool
}

func (s *stream) run(ctx context.Context) {
	s.link = clientkit.NewLink(s.box, s.c.tuning.NewBackoff())
	for {
		err := s.session(ctx)
		if ctx.Err() != nil {
			return
		}
		s.setTyping("")
		var fe finalError
		if errors.As(err, &fe) {
			s.link.Close(fe.error)
			return
		}
		if !clientkit.Sleep(ctx, s.link.Down(err)) {
			return
		}
		// A removed sandbox will not come back: end the stream, saying
		// so, rather than reconnect to nothing for ever.
		if err := s.c.relocate(ctx); errors.Is(err, backend.ErrNotFound) && ctx.Err() == nil {
			s.link.Close(fmt.Errorf("the conversation's sandbox is gone: %w", err))
			return
		}
	}
}

// close ends the stream before it starts (a malformed id).
func (s *stream) close(err error) {
	clientkit.NewLink(s.box, s.c.tuning.NewBackoff()).Close(err)
}

// session runs one connection until it fails.
func (s *stream) session(ctx context.Context) error {
	v, verr := s.c.Version(ctx)
	conn, err := s.c.dial(ctx, s.c.socketURL(s.id, s.win.last, v, verr == nil), s.rawCap, linkLiveness{s.link})
	if err != nil {
		return err
	}
	defer conn.close()

	// The first frame proves the subscription exists. Without one within
	// the grace period (the server skips its snapshot when making it takes
	// over 0.5 s) history is loaded anyway, but the subscription is taken
	// on trust: the load is repeated at the first frame, and every
	// ResyncDelay until then (ten times at most), so nothing stored in
	// between can slip through.
	var held *frame
	unconfirmed := false
	grace := time.NewTimer(s.c.tuning.ReadyGrace)
	defer grace.Stop()
	select {
	case f, ok := <-conn.frames:
		if !ok {
			return conn.closedError()
		}
		if !s.snapshot(f) {
			held = &f
		}
	case <-grace.C:
		unconfirmed = true
	case <-ctx.Done():
		return ctx.Err()
	}

	if err := s.catchUp(ctx); err != nil {
		return err
	}
	s.link.Up()
	s.everLive = true
	if held != nil {
		if err := s.handle(ctx, *held); err != nil {
			return err
		}
	}

	var resync *time.Timer
	var resyncC <-chan time.Time
	defer func() {
		if resync != nil {
			resync.Stop()
		}
	}()
	checks := 0
	for {
		if (s.resync || (unconfirmed && checks < 10)) && resyncC == nil {
			resync = time.NewTimer(s.c.tuning.ResyncDelay)
			resyncC = resync.C
		}
		select {
		case f, ok := <-conn.frames:
			if !ok {
				return conn.closedError()
			}
			if unconfirmed {
				unconfirmed = false
				if err := s.catchUp(ctx); err != nil {
					return err
				}
			}
			if err := s.handle(ctx, f); err != nil {
				return err
			}
		case <-resyncC:
			resyncC = nil
			if unconfirmed {
				checks++
			}
			if s.resync || unconfirmed {
				s.resync = false
				if err := s.catchUp(ctx); err != nil {
					return err
				}
			}
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// linkLiveness sends an events socket's liveness reports to the link.
type linkLiveness struct{ l *clientkit.Link }

func (k linkLiveness) silent(last time.Time)  { k.l.Silent(last) }
func (k linkLiveness) answering(at time.Time) { k.l.Answered(at) }

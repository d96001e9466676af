package docker

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

// Liveness. The event stream says nothing while nothing happens, and a
// frozen engine (stopped, wedged, or behind a network path that drops
// packets) closes nothing: the stream just stays silent. So silence proves
// nothing, and the watcher asks: while the stream is idle it pings the
// engine (HEAD /_ping, the cheapest call there is) every pingInterval. A
// ping or a list unanswered for backend.AnswerDeadline turns the state to
// ConnUnresponsive ("not answering for 6s"); the first answer after that
// subscribes to events again and re-lists everything, since the stream may
// not have survived.
const (
	// pingInterval is the idle time between pings: at most one request
	// per interval, a few hundred bytes, and none while events flow.
	pingInterval = 4 * time.Second
	// pingTimeout bounds one ping; while the engine stays silent the next
	// one follows at once, so there is always one out.
	pingTimeout = 10 * time.Second
)

// canPing reports whether pings make sense: connected (answering or not),
// not while a reconnect is scheduled.
func (w *watcher) canPing() bool {
	return w.conn.Phase == backend.ConnLive || w.conn.Phase == backend.ConnUnresponsive
}

func (w *watcher) pingDue(now time.Time) bool {
	return w.canPing() && !w.pinging && !w.pingAt.IsZero() && !now.Before(w.pingAt)
}

// ping sends one ping in a goroutine; pinged takes the answer.
func (w *watcher) ping(ctx context.Context, now time.Time) {
	w.pinging, w.pingSince, w.pingAt = true, now, time.Time{}
	gen := w.gen
	w.wg.Go(func() {
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		_, err := w.b.cli.Ping(pctx, client.PingOptions{})
		timedOut := pctx.Err() != nil
		cancel()
		w.deliver(ctx, func(now time.Time) { w.pinged(ctx, gen, err, timedOut, now) })
	})
}

func (w *watcher) pinged(ctx context.Context, gen uint64, err error, timedOut bool, now time.Time) {
	if gen != w.gen || ctx.Err() != nil {
		return // about a connection given up since; newGen forgot it
	}
	w.pinging, w.pingSince = false, time.Time{}
	switch {
	case err == nil:
		w.answered(ctx, now)
	case timedOut:
		// Still silent: say so (if the deadline has not already) and
		// ask again at once.
		w.checkAnswering(now)
		w.pingAt = now
	default:
		// An answer of sorts: refused, reset, gone. That is a lost
		// engine, which reconnects.
		w.lost(fmt.Errorf("engine ping: %w", err))
	}
}

// answered notes that the engine answered (a ping, an event). After a
// silence it is not trusted to have kept the event stream: subscribe and
// re-list, which turns the state back to live.
func (w *watcher) answered(ctx context.Context, now time.Time) {
	w.lastAnswer = now
	w.conn.LastAnswer = now
	if !w.pinging {
		w.pingAt = now.Add(pingInterval)
	}
	if w.conn.Phase == backend.ConnUnresponsive && w.retryAt.IsZero() {
		w.dirty = true
		w.connect(ctx)
	}
}

// outstandingSince is when the oldest request still unanswered went out
// (a ping, a list, the event subscription); zero when none is.
func (w *watcher) outstandingSince() time.Time {
	var since time.Time
	for _, t := range []time.Time{w.pingSince, w.listSince, w.subSince} {
		if !t.IsZero() && (since.IsZero() || t.Before(since)) {
			since = t
		}
	}
	return since
}

// answerDeadline is when an outstanding request becomes overdue and the
// state must say so; zero when there is nothing to wait for.
func (w *watcher) answerDeadline() time.Time {
	since := w.outstandingSince()
	if since.IsZero() || w.conn.Phase == backend.ConnUnresponsive || w.conn.Phase == backend.ConnClosed || !w.retryAt.IsZero() {
		// Already said, or nothing out: a reconnect is only scheduled.
		return time.Time{}
	}
	return since.Add(backend.AnswerDeadline)
}

// checkAnswering turns the state into ConnUnresponsive once a request is
// overdue: live, still connecting, or reconnecting with the attempt under
// way (a reconnect to a frozen engine hangs as well). The rows stay as
// last listed; Since is when the data went stale.
func (w *watcher) checkAnswering(now time.Time) {
	due := w.answerDeadline()
	if due.IsZero() || now.Before(due) {
		return
	}
	since := w.outstandingSince()
	if w.conn.Phase == backend.ConnReconnecting {
		since = w.conn.Since
	}
	w.conn = backend.ConnState{
		Phase: backend.ConnUnresponsive, Since: since, Err: errNotAnswering,
		LastRefresh: w.conn.LastRefresh, LastAnswer: w.lastAnswer, Latency: w.conn.Latency,
	}
	w.dirty = true
}

// errNotAnswering is the error of a ConnUnresponsive state: the engine is
// as good as unreachable, though nothing was closed.
var errNotAnswering = fmt.Errorf("%w: the engine is not answering", backend.ErrUnavailable)

// newGen starts a new connection: answers still out about the old one
// will be dropped, so they are not waited for.
func (w *watcher) newGen() {
	w.gen++
	w.pinging, w.pingSince = false, time.Time{}
}

// deliver hands a goroutine's result to the run loop.
func (w *watcher) deliver(ctx context.Context, apply func(time.Time)) {
	select {
	case w.results <- apply:
	case <-ctx.Done():
	}
}

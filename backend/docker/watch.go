package docker

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

// Watch sends snapshots of the sandbox list until ctx is done, then closes
// the channel. The first listed snapshot comes straight from one container
// list; details (environment, key, working directory) and health fill in
// with later snapshots. After that the list follows the engine's event
// stream (debounced into one re-list), with a slow safety re-list. A lost
// engine shows as ConnReconnecting and is retried with backoff, forever;
// one that stops answering without closing anything (frozen) shows as
// ConnUnresponsive within a few seconds, found by a cheap ping while the
// event stream is idle (see watch_alive.go).
func (b *Backend) Watch(ctx context.Context) <-chan backend.Snapshot {
	out := make(chan backend.Snapshot, 1)
	w := &watcher{
		b: b, out: out, recs: map[string]*tracked{},
		backoff: backend.NewBackoff(),
		deb:     newDebounce(b.opts.Debounce),
		results: make(chan func(time.Time), 64),
		sem:     make(chan struct{}, b.opts.HealthParallel),
		conn:    backend.ConnState{Phase: backend.ConnConnecting, Since: time.Now()},
	}
	go w.run(ctx)
	return out
}

// watcher is the state of one Watch. Only its run goroutine touches it;
// inspect and probe goroutines hand their results back as functions on
// the results channel.
type watcher struct {
	b        *Backend
	out      chan backend.Snapshot
	seq      uint64
	listed   bool
	everLive bool
	dirty    bool
	// filled is set when only details or health came in since the last
	// snapshot: those go out at most every emitGap (see emitDue).
	filled   bool
	lastEmit time.Time
	conn     backend.ConnState
	recs     map[string]*tracked
	backoff  *backend.Backoff
	deb      debounce
	retryAt  time.Time
	safetyAt time.Time

	// gen counts connections: a list or ping answer from an older one is
	// not news about this one.
	gen uint64
	// listing is set while a list is out (since listSince); relistAgain
	// asks for another as soon as it is back.
	listing     bool
	listSince   time.Time
	relistAgain bool
	// subscribing is set while the event subscription is out.
	subscribing bool
	subSince    time.Time
	// lastAnswer is when the engine last answered anything; pingAt when
	// the next ping is due, pinging while one is out (since pingSince).
	lastAnswer time.Time
	pingAt     time.Time
	pinging    bool
	pingSince  time.Time

	events     <-chan events.Message
	eventErr   <-chan error
	stopEvents context.CancelFunc

	results chan func(now time.Time)
	sem     chan struct{}
	wg      sync.WaitGroup
}

func (w *watcher) run(ctx context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		w.wg.Wait()
		close(w.out)
	}()
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	w.emit(time.Now())
	w.connect(ctx)
	for {
		w.dispatch(ctx, time.Now())
		if now := time.Now(); w.emitDue(now) {
			w.emit(now)
		}
		if next := w.nextWake(); next.IsZero() {
			wake.Stop()
		} else {
			wake.Reset(time.Until(next))
		}
		select {
		case <-ctx.Done():
			w.closeEvents()
			return
		case m, ok := <-w.events:
			if ok {
				now := time.Now()
				w.onEvent(m, now)
				w.answered(ctx, now)
			} else {
				w.events = nil
			}
		case err, ok := <-w.eventErr:
			if !ok {
				err = errors.New("event stream closed")
			}
			if ctx.Err() == nil {
				w.lost(fmt.Errorf("engine events: %w", err))
			}
		case apply := <-w.results:
			apply(time.Now())
			w.drainResults()
		case now := <-wake.C:
			w.onWake(ctx, now)
		}
	}
}

// drainResults applies results that are already waiting, so a burst of
// inspects or probes makes one snapshot instead of one each.
func (w *watcher) drainResults() {
	for range cap(w.results) {
		select {
		case apply := <-w.results:
			apply(time.Now())
		default:
			return
		}
	}
}

// onWake runs whatever is due: a reconnect, or a debounced or safety
// re-list. Due probes are started by dispatch.
func (w *watcher) onWake(ctx context.Context, now time.Time) {
	w.checkAnswering(now)
	if !w.retryAt.IsZero() {
		if !now.Before(w.retryAt) {
			w.retryAt = time.Time{}
			w.connect(ctx)
		}
		return
	}
	if w.listing || w.subscribing {
		// One list at a time, after the subscription; what is due now
		// runs when they are back.
	} else if d := w.deb.due(); !d.IsZero() && !now.Before(d) || !w.safetyAt.IsZero() && !now.Before(w.safetyAt) {
		w.relist(ctx)
	}
	if w.pingDue(now) {
		w.ping(ctx, now)
	}
}

// nextWake is the earliest moment something is due; zero for never.
func (w *watcher) nextWake() time.Time {
	var next time.Time
	consider := func(t time.Time) {
		if !t.IsZero() && (next.IsZero() || t.Before(next)) {
			next = t
		}
	}
	consider(w.retryAt)
	if !w.listing && !w.subscribing {
		consider(w.deb.due())
		consider(w.safetyAt)
	}
	consider(w.answerDeadline())
	if w.filled && !w.dirty {
		consider(w.lastEmit.Add(emitGap))
	}
	if w.canPing() && !w.pinging {
		consider(w.pingAt)
	}
	for _, t := range w.recs {
		if t.probeDue() {
			consider(t.probeAt)
		}
	}
	return next
}

// connect subscribes to container events, then lists. Subscribing first
// means no change between the list and the subscription is missed. The
// subscription waits for the engine's answer, so it is made in a goroutine
// (subscribed takes it): a frozen engine must not stall the run loop.
func (w *watcher) connect(ctx context.Context) {
	w.closeEvents()
	w.newGen()
	gen := w.gen
	evctx, cancel := context.WithCancel(ctx)
	w.stopEvents = cancel
	w.subscribing, w.subSince = true, time.Now()
	w.wg.Go(func() {
		res := w.b.cli.Events(evctx, client.EventsListOptions{
			Filters: make(client.Filters).Add("type", string(events.ContainerEventType)),
		})
		w.deliver(ctx, func(now time.Time) { w.subscribed(ctx, gen, res, now) })
	})
}

// subscribed takes the event stream connect asked for and lists. A failed
// subscription shows on its error channel, which run turns into lost.
func (w *watcher) subscribed(ctx context.Context, gen uint64, res client.EventsResult, now time.Time) {
	if gen != w.gen {
		return // given up since: closeEvents cancelled it
	}
	w.subscribing, w.subSince = false, time.Time{}
	w.events, w.eventErr = res.Messages, res.Err
	w.relist(ctx)
}

func (w *watcher) closeEvents() {
	if w.stopEvents != nil {
		w.stopEvents()
	}
	w.stopEvents, w.events, w.eventErr = nil, nil, nil
	w.subscribing, w.subSince = false, time.Time{}
}

// relist asks for the container list; the answer is merged by listed,
// in the run loop. The list runs in a goroutine so a frozen engine cannot
// stall the loop (and with it the report that the engine is not
// answering).
func (w *watcher) relist(ctx context.Context) {
	// Events from now on ask for a later list: this one may not see them.
	w.deb.reset()
	w.safetyAt = time.Time{}
	if w.listing {
		w.relistAgain = true
		return
	}
	start, gen := time.Now(), w.gen
	w.listing, w.listSince = true, start
	// (Re)connecting: the engine behind the endpoint may have changed.
	askEngine := w.conn.Phase != backend.ConnLive
	w.wg.Go(func() {
		recs, err := w.b.listRecords(ctx)
		w.deliver(ctx, func(now time.Time) { w.onList(ctx, gen, start, recs, err, now) })
		// The engine's name and version only label the source: asked
		// after the list is on its way, so the first paint does not wait
		// for one more round trip. Knowing it makes a new snapshot.
		if err == nil && askEngine {
			if _, verr := w.b.Engine(ctx); verr == nil {
				w.deliver(ctx, func(time.Time) { w.dirty = true })
			}
		}
	})
}

// onList merges a list answer. After a reconnect every container is
// inspected again: events were missed meanwhile.
func (w *watcher) onList(ctx context.Context, gen uint64, start time.Time, recs []record, err error, now time.Time) {
	w.listing, w.listSince = false, time.Time{}
	again := w.relistAgain
	w.relistAgain = false
	switch {
	case gen != w.gen:
		// An answer for a connection given up since.
	case err != nil:
		if ctx.Err() == nil {
			w.lost(err)
		}
		return
	default:
		reinspect := false
		if w.conn.Phase != backend.ConnLive {
			reinspect = w.everLive
			w.conn = backend.ConnState{Phase: backend.ConnLive, Since: now}
		}
		w.everLive, w.listed, w.dirty = true, true, true
		w.lastAnswer = now
		w.conn.LastRefresh, w.conn.LastAnswer, w.conn.Latency = now, now, now.Sub(start)
		w.backoff.Reset()
		w.safetyAt = now.Add(w.b.opts.SafetyRelist)
		w.pingAt = now.Add(pingInterval)
		w.merge(recs, now, reinspect)
	}
	if again {
		w.relist(ctx)
	}
}

// lost marks the connection as lost and schedules a reconnect with
// backoff; the sandboxes last seen stay in the snapshot, marked stale.
func (w *watcher) lost(err error) {
	w.closeEvents()
	if !w.retryAt.IsZero() {
		return
	}
	w.newGen()
	w.pingAt = time.Time{}
	// A refusal (a login or host key the engine's SSH host turned
	// down) keeps its own kind: "unreachable" would send the user
	// looking at the network.
	if !errors.Is(err, backend.ErrUnavailable) && !errors.Is(err, backend.ErrUnauthorized) {
		err = fmt.Errorf("%w: %w", backend.ErrUnavailable, err)
	}
	now := time.Now()
	since := now
	if w.conn.Phase == backend.ConnReconnecting || w.conn.Phase == backend.ConnUnresponsive {
		since = w.conn.Since
	}
	delay := w.backoff.Next()
	w.retryAt = now.Add(delay)
	w.conn = backend.ConnState{
		Phase: backend.ConnReconnecting, Since: since, NextRetry: w.retryAt,
		Attempt: w.backoff.Attempt(), Err: err, LastRefresh: w.conn.LastRefresh, LastAnswer: w.lastAnswer,
	}
	w.deb.reset()
	w.safetyAt = time.Time{}
	w.dirty = true
}

// emitGap is the least time between two snapshots that only bring
// details or health. At start-up fifty inspects and fifty probes answer
// over a second or so; a snapshot for each burst rebuilt and repainted
// the whole list dozens of times, competing for the CPU with the first
// frames. A tenth of a second is under two frames at the dashboard's rate.
const emitGap = 100 * time.Millisecond

// emitDue says whether a snapshot should go out now: at once for a list,
// a connection change or an engine answer, and for details and health no
// sooner than emitGap after the last one.
func (w *watcher) emitDue(now time.Time) bool {
	return w.dirty || w.filled && !now.Before(w.lastEmit.Add(emitGap))
}

// emit sends the current list, replacing a snapshot the reader has not
// taken yet.
func (w *watcher) emit(now time.Time) {
	v := w.b.view(now)
	sbs := make([]backend.Sandbox, 0, len(w.recs))
	for _, t := range w.recs {
		sbs = append(sbs, v.sandbox(t.rec, t.health))
	}
	sortSandboxes(sbs)
	w.seq++
	backend.SendLatest(w.out, backend.Snapshot{
		Source: w.b.opts.Name, Seq: w.seq, Sandboxes: sbs, Conn: w.conn, Listed: w.listed,
		Engine: w.b.KnownEngine().String(),
	})
	w.dirty, w.filled, w.lastEmit = false, false, now
}

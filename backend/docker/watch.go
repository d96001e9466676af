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
// engine shows as ConnReconnecting and is retried with backoff, forever.
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
	conn     backend.ConnState
	recs     map[string]*tracked
	backoff  *backend.Backoff
	deb      debounce
	retryAt  time.Time
	safetyAt time.Time

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
		if w.dirty {
			w.emit(time.Now())
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
				w.onEvent(m, time.Now())
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
	if !w.retryAt.IsZero() {
		if !now.Before(w.retryAt) {
			w.retryAt = time.Time{}
			w.connect(ctx)
		}
		return
	}
	if d := w.deb.due(); !d.IsZero() && !now.Before(d) || !w.safetyAt.IsZero() && !now.Before(w.safetyAt) {
		w.relist(ctx)
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
	consider(w.deb.due())
	consider(w.safetyAt)
	for _, t := range w.recs {
		if t.probeDue() {
			consider(t.probeAt)
		}
	}
	return next
}

// connect subscribes to container events, then lists. Subscribing first
// means no change between the list and the subscription is missed.
func (w *watcher) connect(ctx context.Context) {
	w.closeEvents()
	evctx, cancel := context.WithCancel(ctx)
	res := w.b.cli.Events(evctx, client.EventsListOptions{
		Filters: make(client.Filters).Add("type", string(events.ContainerEventType)),
	})
	w.stopEvents, w.events, w.eventErr = cancel, res.Messages, res.Err
	w.relist(ctx)
}

func (w *watcher) closeEvents() {
	if w.stopEvents != nil {
		w.stopEvents()
	}
	w.stopEvents, w.events, w.eventErr = nil, nil, nil
}

// relist lists the containers and merges the result. After a reconnect
// every container is inspected again: events were missed meanwhile.
func (w *watcher) relist(ctx context.Context) {
	start := time.Now()
	recs, err := w.b.listRecords(ctx)
	if err != nil {
		if ctx.Err() == nil {
			w.lost(err)
		}
		return
	}
	now := time.Now()
	reinspect := false
	if w.conn.Phase != backend.ConnLive {
		// (Re)connected: the engine behind the endpoint may have changed.
		_, _ = w.b.Engine(ctx)
		reinspect = w.everLive
		w.conn = backend.ConnState{Phase: backend.ConnLive, Since: now}
	}
	w.everLive, w.listed, w.dirty = true, true, true
	w.conn.LastRefresh, w.conn.Latency = now, now.Sub(start)
	w.backoff.Reset()
	w.deb.reset()
	w.safetyAt = now.Add(w.b.opts.SafetyRelist)
	w.merge(recs, now, reinspect)
}

// lost marks the connection as lost and schedules a reconnect with
// backoff; the sandboxes last seen stay in the snapshot, marked stale.
func (w *watcher) lost(err error) {
	w.closeEvents()
	if !w.retryAt.IsZero() {
		return
	}
	// A refusal (a login or host key the engine's SSH host turned
	// down) keeps its own kind: "unreachable" would send the user
	// looking at the network.
	if !errors.Is(err, backend.ErrUnavailable) && !errors.Is(err, backend.ErrUnauthorized) {
		err = fmt.Errorf("%w: %w", backend.ErrUnavailable, err)
	}
	now := time.Now()
	since := now
	if w.conn.Phase == backend.ConnReconnecting {
		since = w.conn.Since
	}
	delay := w.backoff.Next()
	w.retryAt = now.Add(delay)
	w.conn = backend.ConnState{
		Phase: backend.ConnReconnecting, Since: since, NextRetry: w.retryAt,
		Attempt: w.backoff.Attempt(), Err: err, LastRefresh: w.conn.LastRefresh,
	}
	w.deb.reset()
	w.safetyAt = time.Time{}
	w.dirty = true
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
	w.dirty = false
}

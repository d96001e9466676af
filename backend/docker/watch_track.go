package docker

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/moby/moby/api/types/events"

	"github.com/ohdash/ohdash/backend"
)

// maxProbeBackoff caps the re-probe interval of a sandbox that is not
// healthy.
const maxProbeBackoff = 30 * time.Second

// tracked is one container as a watcher follows it.
type tracked struct {
	rec record
	// url is the agent-server URL, recomputed when rec changes.
	url string
	// inspectedFor is the listed state the last inspect was started for;
	// stale asks for a new inspect (an event said the state changed).
	inspectedFor string
	stale        bool
	inspecting   bool

	health  backend.Health
	probing bool
	// reprobe asks for a probe at the next re-list (start, unpause, ...).
	reprobe bool
	// probeAt is when the next probe is due; zero for none.
	probeAt  time.Time
	failures int
}

func (t *tracked) running() bool { return t.rec.State == "running" }

// probeDue reports whether a probe is scheduled and can run when due.
func (t *tracked) probeDue() bool {
	return t.running() && !t.probing && !t.probeAt.IsZero() && t.url != ""
}

func (t *tracked) needsInspect() bool {
	return !t.inspecting && (t.stale || t.inspectedFor != t.rec.State)
}

// merge folds a fresh list into the tracked set.
func (w *watcher) merge(recs []record, now time.Time, reinspect bool) {
	v := w.b.view(now)
	seen := make(map[string]bool, len(recs))
	for _, r := range recs {
		seen[r.ID] = true
		t, prev := w.recs[r.ID], ""
		if t == nil {
			t = &tracked{}
			w.recs[r.ID] = t
			if d, ok := w.b.cache.get(r.ID, r.State); ok {
				r.det, t.inspectedFor = &d, r.State
			}
		} else {
			prev, r.det = t.rec.State, t.rec.det
		}
		t.rec = r
		t.stale = t.stale || reinspect
		t.url = v.agentURL(r)
		w.planHealth(t, prev, now)
	}
	for id := range w.recs {
		if !seen[id] {
			delete(w.recs, id)
			w.b.cache.drop(id)
		}
	}
}

// planHealth decides when a container is probed: never unless running; at
// once when it has just started running or an event asked for it.
func (w *watcher) planHealth(t *tracked, prev string, now time.Time) {
	if !t.running() {
		t.health, t.probeAt, t.failures, t.reprobe = backend.Health{State: backend.HealthNone}, time.Time{}, 0, false
		return
	}
	if prev != "running" {
		t.health, t.failures, t.probeAt = backend.Health{}, 0, now
	}
	if t.reprobe {
		t.reprobe, t.probeAt = false, now
	}
	if t.url == "" && t.rec.det != nil {
		// Nothing to probe: no agent-server port is published.
		t.health, t.probeAt = backend.Health{State: backend.HealthNone}, time.Time{}
	}
}

// ignoredActions are container events that never change what the list
// shows; health checks alone produce an exec_* trio every interval.
var ignoredActions = map[string]bool{
	"exec_create": true, "exec_start": true, "exec_die": true, "exec_detach": true,
	"attach": true, "detach": true, "resize": true, "top": true, "copy": true,
	"archive-path": true, "extract-to-dir": true, "export": true, "commit": true,
	"mount": true, "unmount": true, "update": true,
}

// onEvent notes what an engine event changes and schedules a debounced
// re-list. Events of containers outside the sandbox prefixes are dropped.
func (w *watcher) onEvent(m events.Message, now time.Time) {
	if m.Type != events.ContainerEventType {
		return
	}
	_, ok := match(w.b.opts.Prefixes, m.Actor.Attributes["name"])
	if !ok {
		// A rename out of the prefix still removes a sandbox: Docker's
		// event names the old name, Podman's only the tracked id.
		_, ok = match(w.b.opts.Prefixes, m.Actor.Attributes["oldName"])
		if !ok && w.recs[m.Actor.ID] == nil {
			return
		}
	}
	action, _, _ := strings.Cut(string(m.Action), ":")
	if ignoredActions[action] {
		return
	}
	if t := w.recs[m.Actor.ID]; t != nil {
		switch action {
		case "start", "restart":
			t.stale, t.reprobe, t.health = true, true, backend.Health{}
		case "die", "oom", "stop":
			t.stale = true
		case "unpause", "health_status":
			t.reprobe = true
		}
	}
	w.deb.add(now)
}

// dispatch starts the inspects and probes that are due, in goroutines
// bounded by the semaphore. Inspects wait while the engine is unreachable;
// probes go to the agent-servers and do not.
func (w *watcher) dispatch(ctx context.Context, now time.Time) {
	live := w.conn.Phase == backend.ConnLive
	for _, t := range w.recs {
		if live && t.needsInspect() {
			w.startInspect(ctx, t)
		}
		if t.probeDue() && !t.probeAt.After(now) {
			w.startProbe(ctx, t)
		}
	}
}

func (w *watcher) startInspect(ctx context.Context, t *tracked) {
	t.inspecting, t.stale, t.inspectedFor = true, false, t.rec.State
	id := t.rec.ID
	w.spawn(ctx, func() func(time.Time) {
		d, err := w.b.inspectDetails(ctx, id)
		return func(now time.Time) {
			if w.recs[id] != t {
				return
			}
			t.inspecting = false
			if err != nil {
				if errors.Is(err, backend.ErrNotFound) {
					w.deb.add(now) // gone: the next list drops it
				}
				return
			}
			t.rec.det = &d
			t.url = w.b.view(now).agentURL(t.rec)
			w.planHealth(t, t.rec.State, now)
			w.filled = true
		}
	})
}

func (w *watcher) startProbe(ctx context.Context, t *tracked) {
	t.probing = true
	id, url := t.rec.ID, t.url
	w.spawn(ctx, func() func(time.Time) {
		h := w.b.prober.probe(ctx, url)
		return func(now time.Time) {
			if w.recs[id] != t {
				return
			}
			t.probing = false
			if !t.running() || ctx.Err() != nil {
				return
			}
			t.health = h
			t.probeAt = w.nextProbe(t, now)
			w.filled = true
		}
	})
}

// nextProbe schedules the next probe: healthy sandboxes slowly (with
// jitter, so fifty sandboxes don't probe at once), failing ones with
// backoff, and a failing one in its start-up grace no later than the end of
// the grace, when its status turns from STARTING to ERROR.
func (w *watcher) nextProbe(t *tracked, now time.Time) time.Time {
	if t.health.State == backend.HealthOK {
		t.failures = 0
		j := 0.9 + 0.2*rand.Float64()
		return now.Add(time.Duration(float64(w.b.opts.HealthyReprobe) * j))
	}
	t.failures++
	delay := time.Second << min(t.failures-1, 5)
	delay = min(delay, maxProbeBackoff)
	next := now.Add(delay)
	if d := t.rec.det; d != nil && !d.StartedAt.IsZero() {
		if end := d.StartedAt.Add(w.b.opts.StartupGrace); now.Before(end) && end.Before(next) {
			next = end.Add(10 * time.Millisecond)
		}
	}
	return next
}

// spawn runs job in a goroutine once a semaphore slot is free and hands its
// result to the run loop.
func (w *watcher) spawn(ctx context.Context, job func() func(time.Time)) {
	w.wg.Go(func() {
		select {
		case w.sem <- struct{}{}:
		case <-ctx.Done():
			return
		}
		apply := job()
		<-w.sem
		select {
		case w.results <- apply:
		case <-ctx.Done():
		}
	})
}

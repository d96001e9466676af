package remote

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// The runtime API misbehaving the ways a hosted service behind proxies
// does: 5xx storms, resets, answers cut short, hangs. Reads must ride out
// a bad request or two; lifecycle posts must never be repeated blindly;
// every failure must be reported as what it is.

// faultRig has 20 sandboxes known to the store, 5 of them stopped and out
// of /list; with the re-check of those due every time, every fresh backend
// (one `ohdash ls`) makes a /list and a /sessions/batch call.
func faultRig(t *testing.T) *rig {
	t.Helper()
	r := newRig(t, runtimeapi.Config{ForgetStoppedAfter: 24 * time.Hour, Seed: 11}, func(o *Options) {
		o.RetryBase = time.Millisecond
	})
	ids := seedKnown(t, r, 20)
	for _, id := range ids[:5] {
		if err := r.sim.Stop(id); err != nil {
			t.Fatal(err)
		}
	}
	if got := len(r.list()); got != 20 {
		t.Fatalf("listed %d, want 20", got)
	}
	return r
}

// freshList lists as a new `ohdash ls` would: a new backend on the store.
func (r *rig) freshList(tune func(*Options)) ([]backend.Sandbox, error) {
	r.clock.Advance(time.Second)
	b := r.backend(func(o *Options) {
		o.RetryBase = time.Millisecond
		o.GoneRecheck = time.Millisecond
		if tune != nil {
			tune(o)
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return b.List(ctx)
}

// TestFaultRuntimeAPI5xxStorm: with 20% of requests answering 500, 30
// listings in a row must (nearly) all come back whole. Before reads were
// retried, about a third came back without a single remote row.
func TestFaultRuntimeAPI5xxStorm(t *testing.T) {
	r := faultRig(t)
	r.sim.SetFaults(runtimeapi.Faults{ErrorRate: 0.2})
	whole, rows := 0, 0
	for range 30 {
		sbs, err := r.freshList(nil)
		if err == nil && len(sbs) == 20 {
			whole++
		}
		if len(sbs) == 20 {
			rows++ // complete, or partial with every row as last known
		}
	}
	t.Logf("under 20%% HTTP 500: %d of 30 listings whole, %d of 30 with every row", whole, rows)
	if whole < 28 {
		t.Errorf("only %d of 30 listings whole under 20%% HTTP 500", whole)
	}
}

// TestFaultRuntimeAPIRetriesReadsNotActions counts requests: a read that
// keeps failing with 500 is tried Attempts times, a 4xx once, and a
// lifecycle post that fails is never sent twice.
func TestFaultRuntimeAPIRetriesReadsNotActions(t *testing.T) {
	r := faultRig(t)
	id := r.sim.Seed(1, runtimeapi.Mix{})[0]
	r.list()
	cases := []struct {
		name   string
		route  string
		status int
		want   int64
		call   func() error
	}{
		{"list 500", runtimeapi.RouteList, 500, 3, func() error { _, err := r.freshList(nil); return err }},
		{"list 503", runtimeapi.RouteList, 503, 3, func() error { _, err := r.freshList(nil); return err }},
		{"list 400", runtimeapi.RouteList, 400, 1, func() error { _, err := r.freshList(nil); return err }},
		{"list 404", runtimeapi.RouteList, 404, 1, func() error { _, err := r.freshList(nil); return err }},
		{"batch 500", runtimeapi.RouteBatch, 500, 3, func() error { _, err := r.freshList(nil); return err }},
		{"session 502", runtimeapi.RouteSession, 502, 3, func() error { _, err := r.b.api.session(context.Background(), id); return err }},
		{"pause 500", runtimeapi.RoutePause, 500, 1, func() error { return r.b.Pause(context.Background(), id) }},
		{"pause 503", runtimeapi.RoutePause, 503, 1, func() error { return r.b.Pause(context.Background(), id) }},
		{"resume 502", runtimeapi.RouteResume, 502, 1, func() error { return r.b.Resume(context.Background(), id) }},
		{"stop 504", runtimeapi.RouteStop, 504, 1, func() error { return r.b.Delete(context.Background(), id) }},
		{"start 500", runtimeapi.RouteStart, 500, 1, func() error { _, err := r.b.Start(context.Background(), backend.StartRequest{}); return err }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r.sim.SetFaults(runtimeapi.Faults{ErrorRate: 1, ErrorStatus: c.status, Routes: []string{c.route}})
			defer r.sim.SetFaults(runtimeapi.Faults{})
			r.sim.ResetCounts()
			err := c.call()
			var apiErr *APIError
			if !errors.As(err, &apiErr) || apiErr.Status != c.status {
				t.Fatalf("error %v, want the HTTP %d", err, c.status)
			}
			if got := r.sim.Count(c.route); got != c.want {
				t.Errorf("%s sent %d times, want %d", c.route, got, c.want)
			}
		})
	}
}

// TestFaultRuntimeAPIResets: a reset is retried as a read and reported as
// a reset, not as a timeout.
func TestFaultRuntimeAPIResets(t *testing.T) {
	r := faultRig(t)
	r.sim.SetFaults(runtimeapi.Faults{ResetRate: 1, Routes: []string{runtimeapi.RouteList}})
	r.sim.ResetCounts()
	_, err := r.freshList(nil)
	if !errors.Is(err, ErrReset) || !errors.Is(err, backend.ErrUnavailable) {
		t.Fatalf("error %v, want ErrReset and ErrUnavailable", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "connection reset by the runtime API") || strings.Contains(msg, "no answer within") {
		t.Errorf("a reset is reported as %q", msg)
	}
	if got := r.sim.Count(runtimeapi.RouteList); got != 3 {
		t.Errorf("/list tried %d times after resets, want 3", got)
	}
	r.sim.SetFaults(runtimeapi.Faults{ResetRate: 0.2})
	mostlyWhole(t, r, "20% resets")
}

// TestFaultRuntimeAPITruncatedBodies: an answer cut short, whether the
// connection closes before Content-Length bytes or a 200 carries half a
// JSON document, is a clear error and is read again.
func TestFaultRuntimeAPITruncatedBodies(t *testing.T) {
	r := faultRig(t)
	for _, f := range []runtimeapi.Faults{{ShortBodyRate: 1}, {MalformedRate: 1}} {
		r.sim.SetFaults(f)
		r.sim.ResetCounts()
		_, err := r.freshList(nil)
		if err == nil || !strings.Contains(err.Error(), "cut short") && !strings.Contains(err.Error(), "before the answer was complete") {
			t.Errorf("%+v: error %v, want one saying the answer was cut short", f, err)
		}
		if got := r.sim.Count(runtimeapi.RouteList); got != 3 {
			t.Errorf("%+v: /list read %d times, want 3", f, got)
		}
	}
	r.sim.SetFaults(runtimeapi.Faults{ShortBodyRate: 0.2})
	mostlyWhole(t, r, "20% short bodies")
	r.sim.SetFaults(runtimeapi.Faults{MalformedRate: 0.2})
	mostlyWhole(t, r, "20% cut JSON")
}

// TestFaultRuntimeAPIHang: a request that gets no answer ends at its own
// deadline, once: it is not tried again, so a hung API costs a command one
// deadline, not three.
func TestFaultRuntimeAPIHang(t *testing.T) {
	r := faultRig(t)
	r.sim.SetFaults(runtimeapi.Faults{HangRate: 1})
	r.sim.ResetCounts()
	_, err := r.freshList(func(o *Options) { o.RequestTimeout = 200 * time.Millisecond })
	if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "no answer within 200ms") {
		t.Fatalf("error %v, want no answer within 200ms", err)
	}
	if got := r.sim.Count(runtimeapi.RouteList); got != 1 {
		t.Errorf("/list sent %d times to a hung API, want 1", got)
	}
}

// TestFaultRuntimeAPIPartialRefresh: /list answers but /sessions/batch
// keeps failing. The listing keeps every row (the unchecked ones as last
// known) and says it is partial, instead of dropping the whole backend.
func TestFaultRuntimeAPIPartialRefresh(t *testing.T) {
	r := faultRig(t)
	r.sim.SetFaults(runtimeapi.Faults{ErrorRate: 1, ErrorStatus: http.StatusInternalServerError, Routes: []string{runtimeapi.RouteBatch}})
	sbs, err := r.freshList(nil)
	if !errors.Is(err, ErrPartial) {
		t.Fatalf("error %v, want ErrPartial", err)
	}
	if len(sbs) != 20 {
		t.Fatalf("%d rows with the batch route failing, want all 20", len(sbs))
	}
}

// mostlyWhole lists 20 times: with a fault rate of 20% per request and
// three attempts per read, a listing fails about once in 60, so at most
// one of 20 may come back short (the simulator's faults are seeded, so
// the figure does not vary from run to run).
func mostlyWhole(t *testing.T, r *rig, what string) {
	t.Helper()
	whole := 0
	var last error
	for range 20 {
		sbs, err := r.freshList(nil)
		if err == nil && len(sbs) == 20 {
			whole++
		} else {
			last = err
		}
	}
	t.Logf("%s: %d of 20 listings whole", what, whole)
	if whole < 19 {
		t.Errorf("%s: only %d of 20 listings whole (last error: %v)", what, whole, last)
	}
}

// TestFaultDormantRuntimeRecognisedByWaitReady: a sandbox the API calls
// running whose URL answers 503 long after any start or resume is dormant.
// WaitReady says so at once (as the health probe does) instead of waiting
// for an agent-server that will not answer until it is resumed.
func TestFaultDormantRuntimeRecognisedByWaitReady(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, nil)
	sb := r.startReady()
	r.clock.Advance(DefaultStartTimeout + time.Minute)
	if err := r.sim.SetURLStatus(sb.ID, http.StatusServiceUnavailable); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	got, err := r.b.WaitReady(ctx, sb.ID, nil)
	if !errors.Is(err, backend.ErrConflict) || !strings.Contains(err.Error(), "dormant") {
		t.Fatalf("WaitReady on a dormant runtime: %v, want a conflict saying it is dormant", err)
	}
	if got.Status != backend.StatusPaused {
		t.Errorf("dormant sandbox shown %s, want PAUSED", got.Status)
	}
	// Right after a resume, the same 503 is the ingress catching up.
	if err := r.sim.SetURLStatus(sb.ID, 0); err != nil {
		t.Fatal(err)
	}
	if err := r.b.Resume(ctx, sb.ID); err != nil {
		t.Fatal(err)
	}
	if err := r.sim.SetURLStatus(sb.ID, http.StatusServiceUnavailable); err != nil {
		t.Fatal(err)
	}
	polls := 0
	_, err = r.b.WaitReady(ctx, sb.ID, func(backend.Sandbox) {
		if polls++; polls == 5 {
			_ = r.sim.SetURLStatus(sb.ID, 0)
		}
	})
	if err != nil {
		t.Errorf("WaitReady right after a resume gave up on a 503: %v", err)
	}
}

package remote

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// Refresh against the simulator: the call budget, sandboxes the API forgot,
// the batch fallback, and faults that must surface as errors, never crash.

// seedKnown puts n running runtimes in the simulator and lets the backend
// list (and store) them once.
func seedKnown(t *testing.T, r *rig, n int) []string {
	t.Helper()
	ids := r.sim.Seed(n, runtimeapi.Mix{})
	if got := len(r.list()); got != n {
		t.Fatalf("listed %d of %d", got, n)
	}
	return ids
}

func TestRefreshOf1000KnownSandboxesMakesAtMostTwoCalls(t *testing.T) {
	r := newRig(t, runtimeapi.Config{ForgetStoppedAfter: 24 * time.Hour}, nil)
	ids := seedKnown(t, r, 1000)
	// 250 stop and drop out of /list: a change, checked in batches.
	for _, id := range ids[:250] {
		_ = r.sim.Stop(id)
	}
	r.clock.Advance(time.Second)
	r.sim.ResetCounts()
	got := r.list()
	if c := r.sim.Count(runtimeapi.RouteBatch); c != 3 {
		t.Errorf("250 newly missing sandboxes took %d batch calls, want 3", c)
	}
	if s := got[ids[0]]; s.Status != backend.StatusMissing || s.RawState != "stopped/not found" {
		t.Fatalf("stopped sandbox: %s %q", s.Status, s.RawState)
	}

	budget := func(what string, batches int64) {
		t.Helper()
		r.sim.ResetCounts()
		if n := len(r.list()); n != 1000 {
			t.Fatalf("%s: %d sandboxes listed", what, n)
		}
		if calls := r.sim.APICalls(); calls > 2 {
			t.Fatalf("%s: %d API calls (%v), want at most 2", what, calls, r.sim.Counts())
		}
		if got := r.sim.Count(runtimeapi.RouteBatch); got != batches {
			t.Fatalf("%s: %d batch calls, want %d", what, got, batches)
		}
	}
	budget("nothing changed", 0)
	for range 4 {
		r.clock.Advance(DefaultGoneRecheck) // slow re-checks come due
		budget("re-check due", 1)
	}
	r.b = r.backend(nil) // a restarted ohdash, knowing all 1000 from its store
	// Its 250 stored MISSING records are all due: one batch per refresh
	// works through them, then the quiet state returns.
	for _, want := range []int64{1, 1, 1, 0} {
		budget("after restart", want)
	}
}

func TestForgottenRuntimeStillShownFromStore(t *testing.T) {
	r := newRig(t, runtimeapi.Config{ListStoppedFor: time.Minute, ForgetStoppedAfter: time.Hour}, nil)
	sb := r.startReady()
	_ = r.sim.Stop(sb.ID)
	if got := r.list()[sb.ID]; got.Status != backend.StatusMissing || !strings.Contains(got.RawState, "stopped") {
		t.Fatalf("just stopped (still in /list): %s %q", got.Status, got.RawState)
	}
	r.clock.Advance(2 * time.Hour) // out of /list, then forgotten by /sessions
	got := r.list()[sb.ID]
	if got.Status != backend.StatusMissing || got.Image != DefaultImage || !got.CreatedAt.Equal(sb.CreatedAt) {
		t.Fatalf("forgotten runtime: %+v", got)
	}

	// A fresh ohdash whose API is down still shows it, from the store,
	// with its last known status and a stale connection.
	r.sim.SetFaults(runtimeapi.Faults{ErrorRate: 1, ErrorStatus: 500})
	b2 := r.backend(nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	snaps := b2.Watch(ctx)
	first := <-snaps
	if first.Listed || len(first.Sandboxes) != 1 || first.Sandboxes[0].ID != sb.ID || first.Sandboxes[0].Status != backend.StatusMissing {
		t.Fatalf("first snapshot from the store: listed=%v %+v", first.Listed, first.Sandboxes)
	}
	second := <-snaps
	if second.Conn.Phase != backend.ConnReconnecting || second.Conn.Err == nil || len(second.Sandboxes) != 1 {
		t.Fatalf("snapshot with the API down: %+v", second.Conn)
	}
}

func TestBatchRouteMissingFallsBackOnce(t *testing.T) {
	r := newRig(t, runtimeapi.Config{ForgetStoppedAfter: time.Hour}, nil)
	ids := seedKnown(t, r, 40)
	r.sim.SetBatchRoute(false)
	for _, id := range ids[:10] {
		_ = r.sim.Stop(id)
	}
	r.sim.ResetCounts()
	got := r.list()
	if got[ids[0]].Status != backend.StatusMissing || got[ids[20]].Status != backend.StatusRunning {
		t.Fatalf("fallback statuses: %s %s", got[ids[0]].Status, got[ids[20]].Status)
	}
	if b, s := r.sim.Count(runtimeapi.RouteBatch), r.sim.Count(runtimeapi.RouteSession); b != 1 || s != 10 {
		t.Fatalf("detection: %d batch calls, %d single calls; want 1 and 10", b, s)
	}
	_ = r.sim.Stop(ids[30])
	r.clock.Advance(DefaultGoneRecheck)
	r.sim.ResetCounts()
	r.list()
	if b := r.sim.Count(runtimeapi.RouteBatch); b != 0 {
		t.Fatalf("batch route tried again after it was found missing (%d)", b)
	}
	if s := r.sim.Count(runtimeapi.RouteSession); s < 1 || s > int64(2*r.b.opts.FallbackConcurrency) {
		t.Fatalf("fallback re-check made %d calls", s)
	}
}

func TestInjectedFaultsSurfaceAndNeverCrash(t *testing.T) {
	r := newRig(t, runtimeapi.Config{ForgetStoppedAfter: time.Hour}, func(o *Options) {
		o.GoneRecheck = time.Nanosecond // re-check every time: more calls, more faults
	})
	ids := seedKnown(t, r, 300)
	for _, id := range ids[:100] {
		_ = r.sim.Stop(id)
	}
	// Short attempts only where hangs are injected: a timed-out attempt is
	// not retried, and the other cases must not depend on how loaded the
	// machine is (a 50 ms deadline turns a slow malformed answer into a
	// timeout).
	const short, long = 50 * time.Millisecond, 10 * time.Second
	cases := []struct {
		name    string
		faults  runtimeapi.Faults
		timeout time.Duration
		want    error
	}{
		{"20% 5xx", runtimeapi.Faults{ErrorRate: 0.2, ErrorStatus: 500}, long, nil},
		{"timeouts", runtimeapi.Faults{HangRate: 0.3}, short, backend.ErrUnavailable},
		{"malformed JSON", runtimeapi.Faults{MalformedRate: 0.3}, long, ErrMalformedResponse},
		{"all three", runtimeapi.Faults{ErrorRate: 0.2, HangRate: 0.1, MalformedRate: 0.1}, short, nil},
	}
	for _, c := range cases {
		r.b.api.timeout = c.timeout
		r.sim.SetFaults(c.faults)
		failures := 0
		for range 30 {
			r.clock.Advance(time.Second)
			_, err := r.b.List(context.Background())
			snap := r.b.snapshot()
			if err == nil {
				if snap.Conn.Phase != backend.ConnLive {
					t.Fatalf("%s: success but conn %v", c.name, snap.Conn.Phase)
				}
				continue
			}
			failures++
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("%s: error %v is not %v", c.name, err, c.want)
			}
			if snap.Conn.Phase != backend.ConnReconnecting || snap.Conn.Err == nil || snap.Conn.Err.Error() == "" {
				t.Fatalf("%s: failure not in the connection state: %+v", c.name, snap.Conn)
			}
			if len(snap.Sandboxes) != 300 {
				t.Fatalf("%s: a failed refresh lost sandboxes: %d", c.name, len(snap.Sandboxes))
			}
		}
		if failures == 0 {
			t.Errorf("%s: no refresh failed", c.name)
		}
	}
	r.sim.SetFaults(runtimeapi.Faults{})
	if _, err := r.b.List(context.Background()); err != nil {
		t.Fatalf("after the faults stop: %v", err)
	}
}

func TestUnavailableAndRateLimited(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, func(o *Options) { o.MaxRetryAfter = 2 * time.Second })
	ctx := context.Background()

	r.sim.SetFaults(runtimeapi.Faults{ErrorRate: 1, ErrorStatus: 502})
	_, err := r.b.List(ctx)
	if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "temporarily unavailable") {
		t.Fatalf("502: %v", err)
	}
	if n := r.sim.Count(runtimeapi.RouteList); n != 3 {
		t.Errorf("502 tried %d times, want 3", n)
	}
	r.sim.SetFaults(runtimeapi.Faults{})

	r.sim.RateLimit(1, time.Second)
	began := time.Now()
	if _, err := r.b.List(ctx); err != nil {
		t.Fatalf("429 then success: %v", err)
	}
	if waited := time.Since(began); waited < 900*time.Millisecond {
		t.Errorf("Retry-After: 1 not honoured (retried after %v)", waited)
	}
	r.sim.RateLimit(1, 10*time.Second)
	_, err = r.b.List(ctx)
	if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "rate limited") {
		t.Fatalf("429 beyond MaxRetryAfter: %v", err)
	}

	bad := r.backend(func(o *Options) { o.APIKey = backend.NewSecret("wrong-key-wrong") })
	r.sim.ResetCounts()
	if _, err := bad.List(ctx); !errors.Is(err, backend.ErrUnauthorized) || strings.Contains(err.Error(), "wrong-key") {
		t.Fatalf("wrong key: %v", err)
	}
	if n := r.sim.Count(runtimeapi.RouteList); n != 1 {
		t.Errorf("a refused key was retried (%d calls)", n)
	}
}

func TestWatchBacksOffAndRecovers(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, nil)
	seedKnown(t, r, 5)
	r.sim.SetFaults(runtimeapi.Faults{ErrorRate: 1, ErrorStatus: 503})
	ctx, cancel := context.WithCancel(context.Background())
	snaps := r.b.Watch(ctx)
	deadline := time.After(10 * time.Second)
	sawDown := false
	for {
		var s backend.Snapshot
		select {
		case s = <-snaps:
		case <-deadline:
			t.Fatal("Watch did not report the outage and the recovery")
		}
		if s.Conn.Phase == backend.ConnReconnecting {
			if s.Conn.NextRetry.IsZero() || len(s.Sandboxes) != 5 {
				t.Fatalf("outage snapshot: %+v, %d sandboxes", s.Conn, len(s.Sandboxes))
			}
			if !sawDown {
				sawDown = true
				r.sim.SetFaults(runtimeapi.Faults{})
			}
		}
		if sawDown && s.Conn.Phase == backend.ConnLive {
			if s.Conn.LastRefresh.IsZero() || s.Conn.Latency <= 0 {
				t.Fatalf("live snapshot without refresh facts: %+v", s.Conn)
			}
			break
		}
	}
	cancel()
	for range snaps {
	}
}

func TestMalformedListChangesNothing(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, nil)
	ids := seedKnown(t, r, 300)
	r.sim.SetFaults(runtimeapi.Faults{MalformedRate: 1, Routes: []string{runtimeapi.RouteList}})
	r.sim.ResetCounts()
	r.clock.Advance(time.Second)
	if _, err := r.b.List(context.Background()); !errors.Is(err, ErrMalformedResponse) {
		t.Fatalf("truncated /list: %v", err)
	}
	if n := r.sim.Count(runtimeapi.RouteBatch); n != 0 {
		t.Fatalf("a malformed /list led to %d batch calls", n)
	}
	snap := r.b.snapshot()
	if len(snap.Sandboxes) != 300 || snap.Conn.Phase != backend.ConnReconnecting {
		t.Fatalf("after a malformed /list: %d sandboxes, conn %v", len(snap.Sandboxes), snap.Conn.Phase)
	}
	for _, s := range snap.Sandboxes {
		if s.ID == ids[0] && s.Status != backend.StatusRunning {
			t.Fatalf("status changed by a malformed answer: %s", s.Status)
		}
	}
}

func TestSameSessionListedTwiceKeepsTheLivelierRuntime(t *testing.T) {
	b, err := New(Options{URL: "http://127.0.0.1:1", APIKey: backend.NewSecret("k")})
	if err != nil {
		t.Fatal(err)
	}
	old := `{"runtime_id":"rt-old","session_id":"s1","status":"stopped","pod_status":"not found"}`
	cur := `{"runtime_id":"rt-new","session_id":"s1","status":"running","pod_status":"ready","url":"http://127.0.0.1:1/rt-new"}`
	for _, body := range []string{`{"runtimes":[` + old + "," + cur + `]}`, `{"runtimes":[` + cur + "," + old + `]}`} {
		for range 2 { // decoded, then recognised unchanged
			b.mu.Lock()
			bad, fatal := b.applyListLocked([]byte(body), time.Now())
			e := b.known["s1"]
			e.settle(time.Now(), time.Minute)
			st, rid := e.rec.Status, e.rec.RuntimeID
			b.mu.Unlock()
			if bad != nil || fatal != nil || st != string(backend.StatusRunning) || rid != "rt-new" {
				t.Fatalf("%s: %s %s (%v %v)", body, st, rid, bad, fatal)
			}
		}
	}
}

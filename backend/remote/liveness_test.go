package remote

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote/store"
	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// waitSnap reads snapshots until cond holds or the timeout passes.
func waitSnap(t *testing.T, ch <-chan backend.Snapshot, timeout time.Duration, what string, cond func(backend.Snapshot) bool) backend.Snapshot {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	var last backend.Snapshot
	for {
		select {
		case s, ok := <-ch:
			if !ok {
				t.Fatalf("watch ended waiting for %s", what)
			}
			last = s
			if cond(s) {
				return s
			}
		case <-deadline.C:
			t.Fatalf("waiting for %s: timed out after %s; last: %s %d rows", what, timeout, last.Conn.Describe(time.Now()), len(last.Sandboxes))
		}
	}
}

// A runtime API whose connections freeze (open, silent) is reported as
// not answering within seconds — not after the request timeout — with
// the last-good rows kept; once it answers, a full /list makes it live.
func TestFaultFrozenRuntimeAPIIsNotAnswering(t *testing.T) {
	sim := runtimeapi.New(runtimeapi.Config{APIKey: testKey, Seed: 7})
	sim.Seed(3, runtimeapi.Mix{})
	var fr faults.Freezer
	srv := httptest.NewUnstartedServer(sim)
	srv.Listener = fr.Listener(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(fr.Thaw) // runs first: let held requests end
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "remote.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const poll = 200 * time.Millisecond
	b, err := New(Options{
		URL: srv.URL, APIKey: backend.NewSecret(testKey), Store: st, User: "tester",
		// A request may take long (the default is 15 s): liveness must
		// not wait for it.
		PollInterval: poll, RequestTimeout: 30 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch := b.Watch(ctx)
	waitSnap(t, ch, 10*time.Second, "live with 3 rows", func(s backend.Snapshot) bool {
		return s.Conn.Phase == backend.ConnLive && len(s.Sandboxes) == 3
	})

	fr.Freeze()
	frozeAt := time.Now()
	s := waitSnap(t, ch, poll+backend.AnswerDeadline+4*time.Second, "not answering", func(s backend.Snapshot) bool {
		return s.Conn.Phase == backend.ConnUnresponsive
	})
	t.Logf("frozen runtime API reported after %s as %q", time.Since(frozeAt).Round(100*time.Millisecond), s.Conn.Describe(time.Now()))
	if len(s.Sandboxes) != 3 || !s.Conn.Stale() || s.Conn.LastAnswer.IsZero() {
		t.Fatalf("while frozen the last-good rows stay, marked stale: %d rows, %+v", len(s.Sandboxes), s.Conn)
	}
	if d := s.Conn.Describe(time.Now()); !strings.HasPrefix(d, "not answering for ") {
		t.Errorf("Describe = %q", d)
	}

	lists := sim.Count(runtimeapi.RouteList)
	fr.Thaw()
	waitSnap(t, ch, 10*time.Second, "live again", func(s backend.Snapshot) bool {
		return s.Conn.Phase == backend.ConnLive && len(s.Sandboxes) == 3
	})
	if sim.Count(runtimeapi.RouteList) <= lists {
		t.Errorf("no /list after recovery")
	}
}

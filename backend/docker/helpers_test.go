package docker

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/moby/moby/client"
	"go.uber.org/goleak"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// testBackend returns a backend that sees only the sandboxes of e (its
// per-test prefixes) and labels what it starts, talking to host (the
// engine itself when empty).
func testBackend(t testing.TB, e *dockertest.Env, host string, mod ...func(*Options)) *Backend {
	t.Helper()
	if host == "" {
		host = e.Client.DaemonHost()
	}
	opts := Options{
		Host: host,
		Prefixes: []Prefix{
			{Prefix: e.V1Prefix, Flavor: backend.FlavorAgentServer},
			{Prefix: e.V0Prefix, Flavor: backend.FlavorNestedV0},
		},
		Labels: e.Labels(),
		Spec:   Spec{Image: e.Image},
	}
	for _, f := range mod {
		f(&opts)
	}
	b, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// watch starts b.Watch for the rest of the test; the cleanup cancels it
// and waits for the channel to close (before the backend is closed), so no
// goroutine or connection outlives the test.
func watch(t testing.TB, b *Backend) <-chan backend.Snapshot {
	ctx, cancel := context.WithCancel(context.Background())
	ch := b.Watch(ctx)
	t.Cleanup(func() {
		cancel()
		for range ch {
		}
	})
	return ch
}

// waitFor reads snapshots until cond holds, failing the test after timeout.
func waitFor(t testing.TB, ch <-chan backend.Snapshot, timeout time.Duration, what string, cond func(backend.Snapshot) bool) backend.Snapshot {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	var last backend.Snapshot
	for {
		select {
		case s, ok := <-ch:
			if !ok {
				t.Fatalf("waiting for %s: watch channel closed", what)
			}
			last = s
			if cond(s) {
				return s
			}
		case <-deadline.C:
			t.Fatalf("waiting for %s: timed out after %s; last snapshot: %s", what, timeout, describe(last))
		}
	}
}

// describe summarises a snapshot for failure messages.
func describe(s backend.Snapshot) string {
	out := fmt.Sprintf("seq %d listed=%v conn=%s err=%v;", s.Seq, s.Listed, s.Conn.Phase, s.Conn.Err)
	for _, sb := range s.Sandboxes {
		out += fmt.Sprintf(" [%s %s raw=%s health=%s %q]", sb.ID, sb.Status, sb.RawState, sb.Health.State, sb.StatusDetail)
	}
	return out
}

// find returns the sandbox with the id from a snapshot.
func find(s backend.Snapshot, id string) (backend.Sandbox, bool) {
	for _, sb := range s.Sandboxes {
		if sb.ID == id {
			return sb, true
		}
	}
	return backend.Sandbox{}, false
}

// hasStatus reports whether the sandbox is in the snapshot with the status
// and health given.
func hasStatus(id string, st backend.Status, h backend.HealthState) func(backend.Snapshot) bool {
	return func(s backend.Snapshot) bool {
		sb, ok := find(s, id)
		return ok && sb.Status == st && sb.Health.State == h
	}
}

func stopOpts(secs int) client.ContainerStopOptions {
	return client.ContainerStopOptions{Timeout: &secs}
}

package docker

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// cpuTime is the CPU time this process has used (user + system).
func cpuTime(t testing.TB) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		t.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// idleWindow watches for the window and returns the API calls made and
// the snapshots received meanwhile, and the CPU share of one core used.
func idleWindow(t testing.TB, proxy *dockertest.Proxy, w <-chan backend.Snapshot, window time.Duration) ([]dockertest.Call, int, float64) {
	proxy.Reset()
	cpu0, t0 := cpuTime(t), time.Now()
	timer := time.NewTimer(window)
	defer timer.Stop()
	snaps := 0
	for {
		select {
		case <-w:
			snaps++
		case <-timer.C:
			cpu := cpuTime(t) - cpu0
			return proxy.Calls(), snaps, 100 * float64(cpu) / float64(time.Since(t0))
		}
	}
}

// The watcher inspects each container once and then stays quiet: no call
// per container on a timer, only the slow safety re-list (shortened here
// so the test sees one).
func TestWatchIdleMakesNoPerContainerCalls(t *testing.T) {
	const n = 12
	e := dockertest.New(t)
	proxy := dockertest.NewProxy(t)
	b := testBackend(t, e, proxy.Host())
	// Test-only: a re-list every second instead of the 30 s minimum.
	b.opts.SafetyRelist = time.Second
	e.RunN(t, n, dockertest.RunOptions{Ports: []int{8000}})
	w := watch(t, b)
	waitFor(t, w, waitLong, "all healthy", allHealthy(n))
	if got := proxy.Count("GET", `^/containers/[^/]+/json$`); got != n {
		t.Errorf("%d inspects for %d containers, want exactly one each", got, n)
	}
	if got := proxy.Count("GET", `^/containers/json$`); got < 1 {
		t.Errorf("no list call")
	}
	if got := proxy.Count("GET", `^/events$`); got != 1 {
		t.Errorf("%d event subscriptions, want 1", got)
	}

	calls, snaps, cpu := idleWindow(t, proxy, w, 3500*time.Millisecond)
	lists := 0
	for _, c := range calls {
		if c.Method == "GET" && c.Path == "/containers/json" {
			lists++
			continue
		}
		if c.Path == "/_ping" {
			continue // liveness: at most one per pingInterval, none while lists flow
		}
		t.Errorf("unexpected call while idle: %s %s", c.Method, c.Path)
	}
	if lists < 2 || lists > 4 {
		t.Errorf("%d safety re-lists in 3.5 s at one per second", lists)
	}
	t.Logf("idle with %d sandboxes: %d calls (all re-lists), %d snapshots, %.3f%% of one core (proxy included)", n, len(calls), snaps, cpu)
}

// BenchmarkIdleWatch measures the CPU the watcher uses over a minute with
// 50 running sandboxes and no activity (budget: under 0.5% of one core),
// against a baseline minute of the same process without a watcher. Run
// with -bench IdleWatch -benchtime 1x.
func BenchmarkIdleWatch(b *testing.B) {
	const n, window = 50, time.Minute
	e := dockertest.New(b)
	proxy := dockertest.NewProxy(b)
	be := testBackend(b, e, proxy.Host())
	e.RunN(b, n, dockertest.RunOptions{Ports: []int{8000}})
	b.Run("baseline", func(b *testing.B) {
		for b.Loop() {
			never := make(chan backend.Snapshot)
			_, _, cpu := idleWindow(b, proxy, never, window)
			b.ReportMetric(cpu, "%cpu")
		}
	})
	b.Run("watch50", func(b *testing.B) {
		for b.Loop() {
			ctx, cancel := context.WithCancel(context.Background())
			w := be.Watch(ctx)
			waitFor(b, w, waitLong, "all healthy", allHealthy(n))
			calls, _, cpu := idleWindow(b, proxy, w, window)
			cancel()
			for range w {
			}
			b.ReportMetric(cpu, "%cpu")
			b.ReportMetric(float64(len(calls)), "api-calls/min")
		}
	})
}

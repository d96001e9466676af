package remote

import (
	"context"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// BenchmarkRefresh1000 measures one refresh of 1,000 remote sandboxes
// (800 alive in /list, 200 stopped and remembered) against the simulator
// on loopback, and in the same run the per-sandbox method of OpenHands'
// remote sandbox service: one GET /sessions/{id} per sandbox, one after
// another. Budget: p95 < 300 ms, and p50 at least 10× faster than the
// per-sandbox method. A parallel (8 at a time) per-sandbox variant is
// reported as well, as the strongest form of that method.
//
// Sub-benchmarks: "steady" (nothing changes, the common case), "one-change"
// (one runtime pauses or resumes per refresh) and "all-change" (every
// runtime carries a clock-driven field, so nothing can be skipped).
//
//	go test -run '^$' -bench Refresh1000 -benchtime 100x ./backend/remote/
func BenchmarkRefresh1000(b *testing.B) {
	b.Run("steady", func(b *testing.B) { benchRefresh(b, runtimeapi.Config{}, nil) })
	b.Run("one-change", func(b *testing.B) {
		benchRefresh(b, runtimeapi.Config{}, func(r *rig, ids []string, i int) {
			if id := ids[500+i%100]; i/100%2 == 0 {
				_ = r.sim.Pause(id)
			} else {
				_ = r.sim.Resume(id)
			}
		})
	})
	b.Run("all-change", func(b *testing.B) {
		benchRefresh(b, runtimeapi.Config{UptimeField: true}, func(r *rig, _ []string, _ int) { r.clock.Advance(time.Second) })
	})
}

func benchRefresh(b *testing.B, cfg runtimeapi.Config, change func(r *rig, ids []string, i int)) {
	cfg.ForgetStoppedAfter = 24 * time.Hour
	r := newRig(b, cfg, nil)
	ids := r.sim.Seed(1000, runtimeapi.Mix{})
	ctx := context.Background()
	if _, err := r.b.List(ctx); err != nil {
		b.Fatal(err)
	}
	for _, id := range ids[:200] {
		_ = r.sim.Stop(id)
	}
	for range 3 { // settle the stopped ones, warm the connection pool
		if _, err := r.b.List(ctx); err != nil {
			b.Fatal(err)
		}
	}
	if n := len(r.b.snapshot().Sandboxes); n != 1000 {
		b.Fatalf("%d sandboxes known", n)
	}

	ours := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		if change != nil {
			b.StopTimer()
			change(r, ids, i)
			b.StartTimer()
		}
		t0 := time.Now()
		if err := r.b.refresh(ctx); err != nil {
			b.Fatal(err)
		}
		r.b.snapshot()
		ours = append(ours, time.Since(t0))
	}
	b.StopTimer()

	rounds := max(3, min(b.N, 10))
	sequential := make([]time.Duration, 0, rounds)
	parallel := make([]time.Duration, 0, rounds)
	for range rounds {
		t0 := time.Now()
		for _, id := range ids {
			if _, err := r.b.api.session(ctx, id); err != nil {
				b.Fatal(err)
			}
		}
		sequential = append(sequential, time.Since(t0))

		t0 = time.Now()
		sem := make(chan struct{}, 8)
		var wg sync.WaitGroup
		for _, id := range ids {
			sem <- struct{}{}
			wg.Go(func() {
				defer func() { <-sem }()
				_, _ = r.b.api.session(ctx, id)
			})
		}
		wg.Wait()
		parallel = append(parallel, time.Since(t0))
	}

	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	p50, p95 := percentile(ours, 50), percentile(ours, 95)
	seq50, par50 := percentile(sequential, 50), percentile(parallel, 50)
	b.ReportMetric(ms(p50), "p50-ms")
	b.ReportMetric(ms(p95), "p95-ms")
	b.ReportMetric(ms(seq50), "per-sandbox-p50-ms")
	b.ReportMetric(ms(par50), "per-sandbox-x8-p50-ms")
	b.ReportMetric(float64(seq50)/float64(p50), "speedup")
	b.ReportMetric(float64(par50)/float64(p50), "speedup-vs-x8")
}

func percentile(ds []time.Duration, p int) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p+99)/100 - 1
	return s[max(0, min(i, len(s)-1))]
}

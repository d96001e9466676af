package events

import (
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
)

func manyEvents(n int) []backend.Event {
	out := make([]backend.Event, n)
	for i := range out {
		out[i] = ev(i, "ObservationEvent", "environment", fmt.Sprintf("← terminal [exit 0]: step %d of the build finished in %dms", i, i%997))
	}
	return out
}

// BenchmarkEventsFrame renders a 120×40 frame holding 50 events (the
// baseline) and 5,000 (the default cap): a frame must cost the same.
func BenchmarkEventsFrame(b *testing.B) {
	var base float64
	for _, n := range []int{50, 5000} {
		b.Run(fmt.Sprintf("held=%d", n), func(b *testing.B) {
			f := &fakeSource{}
			m, cmd := New(theme.New(true), WithClock(func() time.Time { return testNow })).SetSize(120, 40).Focus().
				Open(context.Background(), f, f, backend.Sandbox{}, backend.Conversation{ID: "c"})
			m, _ = pump(m, cmd)
			m = m.apply(backend.EventUpdate{Conn: live(), Events: manyEvents(n)})
			start := time.Now()
			for b.Loop() {
				_ = m.View()
			}
			per := float64(time.Since(start).Nanoseconds()) / float64(b.N)
			if n == 50 {
				base = per
			} else if base > 0 {
				b.ReportMetric(per/base, "ratio-vs-50")
			}
		})
	}
}

// BenchmarkBacklogFirstScreen10k delivers a 10,000-event backlog in
// batches of 500 (as the client hands it over) and renders the first
// screen; the baseline is the same with 50 events.
func BenchmarkBacklogFirstScreen10k(b *testing.B) {
	var base float64
	for _, n := range []int{50, 10000} {
		evs := manyEvents(n)
		b.Run(fmt.Sprintf("events=%d", n), func(b *testing.B) {
			start := time.Now()
			for b.Loop() {
				f := &fakeSource{}
				m, cmd := New(theme.New(true)).SetSize(120, 40).Focus().
					Open(context.Background(), f, f, backend.Sandbox{}, backend.Conversation{ID: "c"})
				m, _ = pump(m, cmd)
				for i := 0; i < n; i += 500 {
					m = m.apply(backend.EventUpdate{Conn: live(), Events: evs[i:min(n, i+500)]})
				}
				_ = m.View()
			}
			per := float64(time.Since(start).Nanoseconds()) / float64(b.N)
			b.ReportMetric(per/1e6, "ms/first-screen")
			if n == 50 {
				base = per
			} else if base > 0 {
				b.ReportMetric(per/base, "ratio-vs-50")
			}
		})
	}
}

// BenchmarkEventsMemory100k streams 100,000 events through the pane in
// batches of 100 with the default cap and reports the live heap after.
func BenchmarkEventsMemory100k(b *testing.B) {
	for b.Loop() {
		f := &fakeSource{}
		m, cmd := New(theme.New(true)).SetSize(120, 40).Focus().
			Open(context.Background(), f, f, backend.Sandbox{}, backend.Conversation{ID: "c"})
		m, _ = pump(m, cmd)
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		for i := 0; i < 100_000; i += 100 {
			m = m.apply(backend.EventUpdate{Conn: live(), Events: manyEvents100(i)})
			_ = m.View()
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		b.ReportMetric(float64(after.HeapAlloc-min(after.HeapAlloc, before.HeapAlloc))/(1<<20), "MiB-live-heap")
		b.ReportMetric(float64(m.Len()), "events-held")
		runtime.KeepAlive(m)
	}
}

func manyEvents100(from int) []backend.Event {
	out := make([]backend.Event, 100)
	for i := range out {
		out[i] = ev(from+i, "ObservationEvent", "environment", fmt.Sprintf("← terminal [exit 0]: step %d", from+i))
	}
	return out
}

package perf

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// BenchmarkStartup100 measures the time from starting the dashboard to the
// first frame listing 100 sandboxes (budget: under 300 ms), next to a bare
// ContainerList of the same containers in the same run.
func BenchmarkStartup100(b *testing.B) {
	env := dockertest.New(b)
	env.RunN(b, 100, dockertest.RunOptions{CreateOnly: true})
	var total, baseline time.Duration
	for b.Loop() {
		t0 := time.Now()
		if _, err := env.Client.ContainerList(context.Background(), client.ContainerListOptions{All: true}); err != nil {
			b.Fatal(err)
		}
		baseline += time.Since(t0)

		start := time.Now()
		hit, p, stop := dashboard(b, env, 120, 40, func(f string) bool { return strings.Contains(f, "sandboxes 100") })
		select {
		case at := <-hit:
			total += at.Sub(start)
		case <-time.After(10 * time.Second):
			stop()
			b.Fatalf("no frame listed 100 sandboxes; last frame:\n%s", p.lastFrame())
		}
		stop()
	}
	n := float64(b.N)
	b.ReportMetric(float64(total.Milliseconds())/n, "ms-first-frame")
	b.ReportMetric(float64(baseline.Microseconds())/1000/n, "ms-containerlist")
	b.ReportMetric(float64(total)/float64(baseline), "ratio-vs-list")
}

// BenchmarkIdle50 measures the CPU the dashboard uses over a minute with
// 50 running sandboxes and nothing happening (budget: under 0.5% of one
// core), next to the same process idling without it.
func BenchmarkIdle50(b *testing.B) {
	env := dockertest.New(b)
	env.RunN(b, 50, dockertest.RunOptions{Ports: []int{8000}})
	created := time.Now()
	const window = 60 * time.Second
	for b.Loop() {
		base0 := cpuTime()
		time.Sleep(10 * time.Second)
		basePct := float64(cpuTime()-base0) / float64(10*time.Second) * 100

		hit, p, stop := dashboard(b, env, 120, 40, func(f string) bool {
			return strings.Contains(f, "50 running")
		})
		select {
		case <-hit:
		case <-time.After(60 * time.Second):
			stop()
			b.Fatalf("50 healthy sandboxes never showed; last frame:\n%s", p.lastFrame())
		}
		// Let start-up work (inspects, first probes of all 50) finish, and
		// let every sandbox pass a minute of age, so nothing on screen
		// changes by the second any more: that is "no activity".
		time.Sleep(max(20*time.Second, time.Until(created.Add(65*time.Second))))
		stopProfile := profileIf(b, "OHDASH_IDLE_CPUPROFILE")
		p.messages()
		c0 := cpuTime()
		time.Sleep(window)
		pct := float64(cpuTime()-c0) / float64(window) * 100
		stopProfile()
		b.Logf("messages while idle: %v", p.messages())
		stop()
		b.ReportMetric(pct, "%core-idle")
		b.ReportMetric(basePct, "%core-baseline")
	}
}

// BenchmarkLogMemory5M streams 5,000,000 log lines through the dashboard's
// logs pane and reports the process's peak RSS (budget: under 64 MiB).
// The container is created first and started once the pane waits on it,
// so every line passes through the pipeline, not just the tail.
func BenchmarkLogMemory5M(b *testing.B) {
	env := dockertest.New(b)
	const lines = 5_000_000
	for b.Loop() {
		id, name := env.Run(b, dockertest.RunOptions{CreateOnly: true, Env: map[string]string{"AGENTSIM_LOG_LINES": fmt.Sprint(lines)}})
		runtime.GC()
		debug.FreeOSMemory()
		rssBefore := statusKB("VmRSS")
		last := fmt.Sprintf("line %08d", lines)
		hit, p, stop := dashboard(b, env, 200, 50, func(f string) bool { return strings.Contains(f, last) })
		// Wait until the pane is attached to the (not yet started) container.
		deadline := time.Now().Add(20 * time.Second)
		for !strings.Contains(p.lastFrame(), name) || !strings.Contains(p.lastFrame(), "waiting") {
			if time.Now().After(deadline) {
				stop()
				b.Fatalf("logs pane never attached; last frame:\n%s", p.lastFrame())
			}
			time.Sleep(50 * time.Millisecond)
		}
		var peak atomic.Int64
		sampling := make(chan struct{})
		go func() {
			tk := time.NewTicker(20 * time.Millisecond)
			defer tk.Stop()
			for {
				select {
				case <-sampling:
					return
				case <-tk.C:
					if r := statusKB("VmRSS"); r > peak.Load() {
						peak.Store(r)
					}
				}
			}
		}()
		t0 := time.Now()
		if _, err := env.Client.ContainerStart(context.Background(), id, client.ContainerStartOptions{}); err != nil {
			b.Fatal(err)
		}
		select {
		case <-hit:
		case <-time.After(10 * time.Minute):
			close(sampling)
			stop()
			b.Fatalf("the last line never showed; last frame:\n%s", p.lastFrame())
		}
		elapsed := time.Since(t0)
		close(sampling)
		stop()
		b.ReportMetric(float64(peak.Load())/1024, "MiB-peak-rss")
		b.ReportMetric(float64(statusKB("VmHWM"))/1024, "MiB-hwm")
		b.ReportMetric(float64(rssBefore)/1024, "MiB-rss-before")
		b.ReportMetric(lines/elapsed.Seconds(), "lines/s")
	}
}

package perf

import (
	"context"
	"io"
	"runtime/debug"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui"
)

// syntheticStats is the Docker backend with resource figures that cost
// nothing to read: what is measured is the dashboard's side of sampling
// (a tick, one request per tick, applying the answer, the frames), not
// the engine's (that is the Docker stats backend's benchmark).
type syntheticStats struct {
	*docker.Backend
	asked chan int
}

func (s syntheticStats) Stats(_ context.Context, ids []string) (map[string]backend.ResourceSample, error) {
	out := make(map[string]backend.ResourceSample, len(ids))
	for i, id := range ids {
		out[id] = backend.ResourceSample{Time: time.Now(), Interval: 2 * time.Second, CPUPercent: float64(i), HasCPU: true,
			MemUsed: uint64(i+1) << 24, HasMem: true, HasRates: true, PIDs: 3, HasPIDs: true}
	}
	select {
	case s.asked <- len(ids):
	default:
	}
	return out, nil
}

// BenchmarkIdle50Resources measures the CPU the dashboard uses with 50
// running sandboxes over 30 s with the resource columns off, then 30 s
// with them on (sampling the rows on screen every 2 s), in one run.
func BenchmarkIdle50Resources(b *testing.B) {
	env := dockertest.New(b)
	env.RunN(b, 50, dockertest.RunOptions{Ports: []int{8000}})
	created := time.Now()
	const window = 30 * time.Second
	for b.Loop() {
		d, err := docker.New(docker.Options{
			Prefixes: []docker.Prefix{{Prefix: env.V1Prefix, Flavor: backend.FlavorAgentServer}, {Prefix: env.V0Prefix, Flavor: backend.FlavorNestedV0}},
			Labels:   env.Labels(), Spec: docker.Spec{Image: env.Image},
		})
		if err != nil {
			b.Fatal(err)
		}
		debug.SetMemoryLimit(ui.MemoryLimit)
		ctx, cancel := context.WithCancel(context.Background())
		pr := &probe{match: func(f string) bool { return strings.Contains(f, "50 running") }, hit: make(chan time.Time, 1)}
		st := syntheticStats{Backend: d, asked: make(chan int, 1)}
		cfg := ui.Config{Hub: backend.NewHub(st), Theme: theme.New(true), FixedTheme: true, ResourceColumnsOff: true}
		inR, inW := io.Pipe()
		prog := tea.NewProgram(watched{Model: ui.New(ctx, cfg), probe: pr}, tea.WithContext(ctx), tea.WithInput(inR),
			tea.WithOutput(io.Discard), tea.WithWindowSize(120, 40), tea.WithColorProfile(colorprofile.TrueColor),
			tea.WithoutSignals(), tea.WithFPS(fps()))
		done := make(chan struct{})
		go func() { defer close(done); _, _ = prog.Run() }()
		select {
		case <-pr.hit:
		case <-time.After(60 * time.Second):
			b.Fatalf("50 sandboxes never showed; last frame:\n%s", pr.lastFrame())
		}
		time.Sleep(max(20*time.Second, time.Until(created.Add(65*time.Second))))
		c0 := cpuTime()
		time.Sleep(window)
		off := float64(cpuTime()-c0) / float64(window) * 100

		_, _ = inW.Write([]byte("%"))
		var ids int
		select {
		case ids = <-st.asked:
		case <-time.After(10 * time.Second):
			b.Fatalf("no sample asked for after u; last frame:\n%s", pr.lastFrame())
		}
		time.Sleep(5 * time.Second)
		c0 = cpuTime()
		time.Sleep(window)
		on := float64(cpuTime()-c0) / float64(window) * 100
		cancel()
		_ = inW.Close()
		<-done
		d.Close()
		b.ReportMetric(off, "%core-columns-off")
		b.ReportMetric(on, "%core-columns-on")
		b.ReportMetric(float64(ids), "ids/request")
	}
}

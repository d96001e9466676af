// Package perf holds whole-dashboard benchmarks against the real Docker
// engine: the budgets the issues set for the program as a user runs it
// (start-up, idle CPU, memory while streaming logs). They drive a real
// tea.Program over the real Docker backend, with the terminal output
// discarded, so what is measured is ohdash's own work. Run them with
//
//	go test ./ui/perf -run '^$' -bench . -benchtime 1x
package perf

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui"
)

// watched wraps the root model and remembers, for each frame it renders,
// whether a predicate held, so a benchmark can wait for "the first frame
// that shows 100 sandboxes" without touching the model's internals.
type watched struct {
	ui.Model
	probe *probe
}

type probe struct {
	mu sync.Mutex
	// msgs counts messages by type, to see what wakes an idle dashboard.
	msgs  map[string]int
	match func(frame string) bool
	hit   chan time.Time
	fired bool
	last  string
	// markers are texts a benchmark waits for in the model itself: after
	// every message from the events pane, the view is rendered and each
	// marker found is reported with the time the model had it.
	markers map[string]chan time.Time
}

// watchModel reports when marker first shows in the model's view.
func (p *probe) watchModel(marker string) <-chan time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.markers == nil {
		p.markers = map[string]chan time.Time{}
	}
	ch := make(chan time.Time, 1)
	p.markers[marker] = ch
	return ch
}

// seen checks the pending markers against the model after a message of
// type kind.
func (p *probe) seen(kind string, m ui.Model) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.markers) == 0 || !strings.HasPrefix(kind, "events.") {
		return
	}
	at := time.Now()
	frame := m.View().Content
	for mk, ch := range p.markers {
		if strings.Contains(frame, mk) {
			ch <- at
			delete(p.markers, mk)
		}
	}
}

func (w watched) Init() tea.Cmd { return w.Model.Init() }

func (w watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	kind := w.probe.count(msg)
	m, cmd := w.Model.Update(msg)
	w.Model = m.(ui.Model)
	w.probe.seen(kind, w.Model)
	return w, cmd
}

func (w watched) View() tea.View {
	v := w.Model.View()
	w.probe.check(v.Content)
	return v
}

func (p *probe) check(frame string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.last = frame
	if !p.fired && p.match != nil && p.match(ansi.Strip(frame)) {
		p.fired = true
		p.hit <- time.Now()
	}
}

func (p *probe) count(msg tea.Msg) string {
	kind := fmt.Sprintf("%T", msg)
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.msgs == nil {
		p.msgs = map[string]int{}
	}
	p.msgs[kind]++
	return kind
}

// reportLatency reports the median, 99th percentile and worst of lat.
func reportLatency(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	q := func(f float64) float64 {
		return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.5), "ms-p50")
	b.ReportMetric(q(0.99), "ms-p99")
	b.ReportMetric(q(1), "ms-max")
}

// messages returns the counts so far and starts counting afresh.
func (p *probe) messages() map[string]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	m := p.msgs
	p.msgs = nil
	return m
}

func (p *probe) lastFrame() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return ansi.Strip(p.last)
}

// dashboard runs the real program over a Docker backend that sees only
// the test's own sandboxes, at w×h cells, until the returned stop is
// called.
func dashboard(b testing.TB, env *dockertest.Env, w, h int, match func(string) bool) (hit <-chan time.Time, p *probe, stop func()) {
	hit, p, _, stop = dashboardWith(b, env, w, h, match, nil)
	return hit, p, stop
}

// dashboardWith is dashboard with a conversation source (nil for none); it
// also returns the input pipe, so a test can type like a person.
func dashboardWith(b testing.TB, env *dockertest.Env, w, h int, match func(string) bool, convs ui.ConversationSource) (hit <-chan time.Time, p *probe, keys io.Writer, stop func()) {
	b.Helper()
	d, err := docker.New(docker.Options{
		Prefixes: []docker.Prefix{
			{Prefix: env.V1Prefix, Flavor: backend.FlavorAgentServer},
			{Prefix: env.V0Prefix, Flavor: backend.FlavorNestedV0},
		},
		Labels: env.Labels(),
		Spec:   docker.Spec{Image: env.Image},
	})
	if err != nil {
		b.Fatal(err)
	}
	debug.SetMemoryLimit(ui.MemoryLimit) // as cmd/ohdash does
	ctx, cancel := context.WithCancel(context.Background())
	pr := &probe{match: match, hit: make(chan time.Time, 1)}
	cfg := ui.Config{Hub: backend.NewHub(d), Theme: theme.New(true), FixedTheme: true, Conversations: convs}
	m := watched{Model: ui.New(ctx, cfg), probe: pr}
	inR, inW := io.Pipe()
	prog := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(inR), tea.WithOutput(io.Discard),
		tea.WithWindowSize(w, h), tea.WithColorProfile(colorprofile.TrueColor), tea.WithoutSignals(), tea.WithFPS(fps()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = prog.Run()
	}()
	return pr.hit, pr, inW, func() {
		cancel()
		_ = inW.Close()
		<-done
		d.Close()
	}
}

// await waits until a rendered frame satisfies cond, failing the test with
// the last frame after timeout.
func (p *probe) await(t testing.TB, what string, timeout time.Duration, cond func(frame string) bool) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		f := p.lastFrame()
		if cond(f) {
			return f
		}
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s; last frame:\n%s", timeout, what, f)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cpuTime is the CPU time this process has used, user plus system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusKB reads a field (VmRSS, VmHWM) of /proc/self/status in KiB.
func statusKB(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return n
		}
	}
	return 0
}

// profileIf writes a CPU profile of the measured window to the file named
// by the environment variable, when it is set, to find what costs CPU.
func profileIf(b *testing.B, envVar string) (stop func()) {
	path := os.Getenv(envVar)
	if path == "" {
		return func() {}
	}
	f, err := os.Create(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		b.Fatal(err)
	}
	return func() {
		pprof.StopCPUProfile()
		_ = f.Close()
	}
}

// fps is the dashboard's own frame rate unless OHDASH_FPS overrides it
// (to compare rates).
func fps() int {
	if n, err := strconv.Atoi(os.Getenv("OHDASH_FPS")); err == nil && n > 0 {
		return n
	}
	return ui.DefaultFPS
}

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
	mu    sync.Mutex
	// msgs counts messages by type, to see what wakes an idle dashboard.
	msgs  map[string]int
	match func(frame string) bool
	hit   chan time.Time
	fired bool
	last  string
}

func (w watched) Init() tea.Cmd { return w.Model.Init() }

func (w watched) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	w.probe.count(msg)
	m, cmd := w.Model.Update(msg)
	w.Model = m.(ui.Model)
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

func (p *probe) count(msg tea.Msg) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.msgs == nil {
		p.msgs = map[string]int{}
	}
	p.msgs[fmt.Sprintf("%T", msg)]++
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
func dashboard(b *testing.B, env *dockertest.Env, w, h int, match func(string) bool) (hit <-chan time.Time, p *probe, stop func()) {
	b.Helper()
	d, err := docker.New(docker.Options{Prefixes: []docker.Prefix{
		{Prefix: env.V1Prefix, Flavor: backend.FlavorAgentServer},
		{Prefix: env.V0Prefix, Flavor: backend.FlavorNestedV0},
	}})
	if err != nil {
		b.Fatal(err)
	}
	debug.SetMemoryLimit(ui.MemoryLimit) // as cmd/ohdash does
	ctx, cancel := context.WithCancel(context.Background())
	pr := &probe{match: match, hit: make(chan time.Time, 1)}
	m := watched{Model: ui.New(ctx, ui.Config{Hub: backend.NewHub(d), Theme: theme.New(true), FixedTheme: true}), probe: pr}
	inR, inW := io.Pipe()
	prog := tea.NewProgram(m, tea.WithContext(ctx), tea.WithInput(inR), tea.WithOutput(io.Discard),
		tea.WithWindowSize(w, h), tea.WithColorProfile(colorprofile.TrueColor), tea.WithoutSignals(), tea.WithFPS(fps()))
	done := make(chan struct{})
	go func() {
		defer close(done)
		_, _ = prog.Run()
	}()
	return pr.hit, pr, func() {
		cancel()
		_ = inW.Close()
		<-done
		d.Close()
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

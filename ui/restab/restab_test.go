package restab

import (
	"context"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
	"github.com/ohdash/ohdash/ui/keymap"
	"github.com/ohdash/ohdash/ui/pane"
	"github.com/ohdash/ohdash/ui/resource"
	"github.com/ohdash/ohdash/ui/sandboxes"
)

func newTab(t testing.TB, bs ...backend.Backend) Model {
	t.Helper()
	c := pane.Context{Ctx: context.Background(), Theme: theme.New(true), Now: testkit.Clock,
		Keys: keymap.Default(), Hub: backend.NewHub(bs...), Host: pane.NewHost()}
	return New(c, 2*time.Second)
}

func running(id string) backend.Sandbox {
	return backend.Sandbox{ID: id, Source: "docker", Status: backend.StatusRunning}
}

// feed selects sb and records n samples for it.
func feed(m Model, sb backend.Sandbox, n int) Model {
	p, _ := m.Select(pane.World{Selected: sb, OK: true})
	for i := range n {
		x := float64(i)
		smp := backend.ResourceSample{CPUPercent: 50 + 40*math.Sin(x/5), HasCPU: true, CPULimit: 1.5,
			MemUsed: uint64(300+100*math.Cos(x/9)) << 20, MemLimit: 1 << 30, HasMem: true,
			NetRxRate: 1000 * x, NetTxRate: 200, BlkReadRate: 0, BlkWriteRate: 4096, HasRates: true, PIDs: 9, HasPIDs: true}
		p, _ = p.Update(resource.SampledMsg{Source: sb.Source, At: testkit.Now.Add(time.Duration(i) * 2 * time.Second),
			Samples: map[string]backend.ResourceSample{sb.ID: smp}, Asked: []string{sb.ID}})
	}
	return p.(Model)
}

func TestHistoryIsBoundedAndOnlyForSandboxesLookedAt(t *testing.T) {
	fb := fake.WithStats(fake.New("docker"))
	m := newTab(t, fb)
	m = feed(m, running("a"), 500)
	if r := m.hist.rings["docker/a"]; r == nil || len(r.pts) != r.cap || r.cap != 150 {
		t.Fatalf("ring: %+v", r)
	}
	// Samples of a sandbox never looked at are not kept.
	p, _ := m.Update(resource.SampledMsg{Source: "docker", Asked: []string{"zzz"},
		Samples: map[string]backend.ResourceSample{"zzz": {HasCPU: true}}})
	if _, ok := p.(Model).hist.rings["docker/zzz"]; ok {
		t.Fatal("kept the history of a sandbox never looked at")
	}
	for i := range 20 {
		m = feed(m, running(fmt.Sprint("s", i)), 1)
	}
	if len(m.hist.rings) != maxLooked {
		t.Fatalf("%d histories kept, want %d", len(m.hist.rings), maxLooked)
	}
}

func TestRingKeepsTheNewestInOrder(t *testing.T) {
	r := &ring{cap: 4}
	for i := range 11 {
		r.add(point{ok: true, smp: backend.ResourceSample{PIDs: uint64(i), HasPIDs: true}})
	}
	s := r.series(func(s backend.ResourceSample) (float64, bool) { return float64(s.PIDs), true })
	if fmt.Sprint(s) != "[7 8 9 10]" {
		t.Fatalf("series %v", s)
	}
	if last, ok := r.last(); !ok || last.PIDs != 10 {
		t.Fatalf("last %v", last)
	}
}

func TestGapWhenSamplingPaused(t *testing.T) {
	r := &ring{cap: 10}
	r.push(point{at: testkit.Now, ok: true}, 2*time.Second)
	r.push(point{at: testkit.Now.Add(time.Minute), ok: true}, 2*time.Second)
	if len(r.pts) != 3 || r.pts[1].ok {
		t.Fatalf("a pause must leave a gap: %+v", r.pts)
	}
	s := r.series(func(backend.ResourceSample) (float64, bool) { return 1, true })
	if !math.IsNaN(s[1]) || s[0] != 1 {
		t.Fatalf("series %v", s)
	}
}

func TestViewSaysWhyThereAreNoCharts(t *testing.T) {
	fb := fake.WithStats(fake.New("docker"))
	plain := fake.New("remote")
	m := newTab(t, fb, plain).SetSize(80, 12).(Model)
	cases := []struct {
		sb   backend.Sandbox
		ok   bool
		want string
	}{
		{backend.Sandbox{}, false, "no sandbox selected"},
		{backend.Sandbox{ID: "p", Source: "docker", Status: backend.StatusPaused}, true, "p is paused: no figures"},
		{backend.Sandbox{ID: "r", Source: "remote", Status: backend.StatusRunning}, true, "n/a: the remote backend exposes no resource figures"},
		{running("new"), true, "sampling…"},
	}
	for _, c := range cases {
		p, _ := m.Select(pane.World{Selected: c.sb, OK: c.ok})
		if v := ansi.Strip(p.View()); !strings.Contains(v, c.want) {
			t.Errorf("%+v: %q not in\n%s", c.sb, c.want, v)
		}
	}
}

func TestViewShowsFiguresLimitsAndShare(t *testing.T) {
	m := newTab(t, fake.WithStats(fake.New("docker"))).SetSize(100, 20).(Model)
	m = feed(m, running("a"), 30)
	v := ansi.Strip(m.View())
	for _, want := range []string{"9 processes", "% of one core", "of its 1.5-core limit", "of 1.0G limit (", "↓ 28K/s  ↑ 200/s", "write 4.0K/s", "every 2s, last 5m"} {
		if !strings.Contains(v, want) {
			t.Errorf("%q missing from\n%s", want, v)
		}
	}
	lines := strings.Split(v, "\n")
	if len(lines) != 20 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w != 100 {
			t.Fatalf("line %d cells: %q", w, l)
		}
	}
}

// TestFaultResourceViewCleansNames: a sandbox id or backend name with
// planted escapes reaches the terminal clean.
func TestFaultResourceViewCleansNames(t *testing.T) {
	evil := "oh-agent-server-\x1b]52;c;ZXZpbA==\a\x1b[2J\u009b31m\u202eevil"
	m := newTab(t, fake.WithStats(fake.New("docker"))).SetSize(120, 20).(Model)
	for _, sb := range []backend.Sandbox{
		running(evil),
		{ID: evil, Source: "docker", Status: backend.StatusPaused},
		{ID: "x", Source: "re\x1b]52;c;ZXZpbA==\amote\u202e", Status: backend.StatusRunning},
	} {
		v := feed(m, sb, 3).View()
		for _, bad := range []string{"\x1b]52", "\x1b[2J", "\u009b", "\u202e", "\a"} {
			if strings.Contains(v, bad) {
				t.Fatalf("%q reached the view of %q", bad, sb.ID)
			}
		}
	}
}

// BenchmarkResourceViewFrame is the resources tab at 120×40 (the pane's
// share of it, charts full); BenchmarkTableFrameBaseline, run with it,
// is the sandboxes table at the same size: the budget is a ratio.
func BenchmarkResourceViewFrame(b *testing.B) {
	m := newTab(b, fake.WithStats(fake.New("docker"))).SetSize(120, 40).(Model)
	m = feed(m, running("a"), 400)
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkTableFrameBaseline(b *testing.B) {
	sbs := make([]backend.Sandbox, 50)
	for i := range sbs {
		sbs[i] = backend.Sandbox{ID: fmt.Sprintf("oh-agent-server-%04d", i), Source: "docker", Status: backend.StatusRunning, Image: "agent:1"}
	}
	t := sandboxes.New(theme.New(true), sandboxes.WithClock(testkit.Clock)).SetSize(120, 40).Focus().SetSandboxes(sbs)
	b.ResetTimer()
	for b.Loop() {
		_ = t.View()
	}
}

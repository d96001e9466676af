package ui

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
	"github.com/ohdash/ohdash/theme"
)

// statsHarness is a root model over one fake backend with resource
// figures, sized and loaded; sampling is driven by the test (tick).
type statsHarness struct {
	*harness
	fs *fake.Stats
}

func newStatsHarness(t testing.TB, w, h int, cfg Config, sbs ...backend.Sandbox) *statsHarness {
	t.Helper()
	fs := fake.WithStats(fake.New("docker", sbs...))
	return &statsHarness{harness: newHarnessOver(t, w, h, cfg, []backend.Backend{fs}, fs.Backend), fs: fs}
}

// newHarnessOver is newHarness over the given backends; fb is the one
// whose snapshots load the model.
func newHarnessOver(t testing.TB, w, h int, cfg Config, bs []backend.Backend, fb *fake.Backend) *harness {
	t.Helper()
	cfg.Hub = backend.NewHub(bs...)
	cfg.Theme = theme.New(true)
	cfg.FixedTheme = true
	cfg.Now = func() time.Time { return testNow }
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hs := &harness{t: t, m: New(ctx, cfg), fb: fb}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	done := make(chan backend.Snapshot)
	close(done)
	for _, b := range bs {
		snap := <-b.Watch(ctx)
		if b, ok := b.(*fake.Stats); ok {
			for _, sb := range snap.Sandboxes {
				b.SetLogs(sb.ID, fixtureLogs(sb.ID)...)
			}
		}
		hs.run(hs.send(snapshotMsg{snap: snap, ch: done}))
	}
	return hs
}

// tick runs one sampling tick of the live chain: its requests are run
// and their answers delivered. It returns how many requests were sent.
func (h *harness) tick() int {
	h.t.Helper()
	if !h.m.stats.on {
		return 0
	}
	var reqs []tea.Cmd
	h.m, reqs = h.m.requests(h.m.stats.gen)
	for _, c := range reqs {
		h.send(c())
	}
	return len(reqs)
}

func running(n int) []backend.Sandbox {
	out := make([]backend.Sandbox, n)
	for i := range out {
		out[i] = backend.Sandbox{ID: fmt.Sprintf("oh-agent-server-%04d", i), Status: backend.StatusRunning,
			Image: "agent:1", CreatedAt: testNow.Add(-time.Hour)}
	}
	return out
}

func sample(cpu float64, mem uint64) backend.ResourceSample {
	return backend.ResourceSample{Time: testNow, Interval: 2 * time.Second, CPUPercent: cpu, HasCPU: true,
		MemUsed: mem, MemLimit: 2 << 30, HasMem: true, NetRxRate: 1500, NetTxRate: 300 << 10,
		BlkReadRate: 0, BlkWriteRate: 12 << 10, HasRates: true, PIDs: 14, HasPIDs: true}
}

func visibleIDs(m Model) []string {
	var ids []string
	for _, sb := range m.table.Visible() {
		ids = append(ids, sb.ID)
	}
	return ids
}

// TestStatsAskOnlyTheRowsOnScreen: one request per backend per tick,
// for the rows on screen only; 500 listed ask as much as 50.
func TestStatsAskOnlyTheRowsOnScreen(t *testing.T) {
	t.Parallel()
	asked := map[int][]string{}
	for _, n := range []int{50, 500} {
		h := newStatsHarness(t, 120, 40, Config{}, running(n)...)
		if !h.m.stats.on {
			t.Fatal("sampling must start when the resource columns show")
		}
		if got := h.tick(); got != 1 {
			t.Fatalf("%d listed: %d requests in one tick, want 1", n, got)
		}
		calls := h.fs.StatsCalls()
		vis := visibleIDs(h.m)
		if len(calls) != 1 || !slices.Equal(calls[0], vis) {
			t.Fatalf("%d listed: asked %v, want the %d rows on screen %v", n, calls, len(vis), vis)
		}
		asked[n] = calls[0]
		// Scrolling asks for the new rows on the next tick.
		h.key("pgdown")
		h.key("pgdown")
		h.tick()
		calls = h.fs.StatsCalls()
		if last := calls[len(calls)-1]; !slices.Equal(last, visibleIDs(h.m)) {
			t.Fatalf("after scrolling asked %v, want %v", last, visibleIDs(h.m))
		}
	}
	if len(asked[500]) != len(asked[50]) || len(asked[50]) == 0 || len(asked[50]) >= 50 {
		t.Fatalf("ids asked: %d with 50 listed, %d with 500", len(asked[50]), len(asked[500]))
	}
}

// TestStatsAskNothingOfStoppedSandboxes: paused rows are not asked for
// and show '-', not zeros; a running row shows its numbers.
func TestStatsPausedShowsDash(t *testing.T) {
	t.Parallel()
	h := newStatsHarness(t, 120, 40, Config{}, fixtureSandboxes()...)
	run, paused := fixtureSandboxes()[0].ID, fixtureSandboxes()[1].ID
	h.fs.SetSample(run, sample(42.5, 512<<20))
	h.fs.SetSample(paused, sample(1, 1))
	h.tick()
	for _, c := range h.fs.StatsCalls() {
		if slices.Contains(c, paused) || !slices.Contains(c, run) {
			t.Fatalf("asked %v; a paused sandbox has no figures to ask for", c)
		}
	}
	v := ansi.Strip(h.view())
	if !strings.Contains(v, "42.5 512M/2.0G") {
		t.Fatalf("running row lacks its figures:\n%s", v)
	}
	pausedRow := lineWith(t, v, "PAUSED")
	if !strings.Contains(pausedRow, " - ") || strings.Contains(pausedRow, " 0.0 ") {
		t.Fatalf("paused row must show '-', not zeros: %q", pausedRow)
	}
}

// TestStatsStaleGenerationIgnored: an answer of a stopped chain, or one
// older than an answer already used, changes nothing.
func TestStatsStaleGenerationIgnored(t *testing.T) {
	t.Parallel()
	h := newStatsHarness(t, 120, 40, Config{}, running(3)...)
	id := running(3)[0].ID
	smp := map[string]backend.ResourceSample{id: sample(77, 1<<30)}
	h.send(statsResultMsg{gen: h.m.stats.gen - 1, seq: 99, source: "docker", asked: []string{id}, samples: smp})
	if strings.Contains(ansi.Strip(h.view()), "77.0") {
		t.Fatal("an answer of an old generation was shown")
	}
	gen := h.m.stats.gen
	h.send(statsResultMsg{gen: gen, seq: 5, source: "docker", asked: []string{id}, samples: smp})
	if !strings.Contains(ansi.Strip(h.view()), "77.0") {
		t.Fatal("the current answer was not shown")
	}
	older := map[string]backend.ResourceSample{id: sample(11, 1<<30)}
	h.send(statsResultMsg{gen: gen, seq: 4, source: "docker", asked: []string{id}, samples: older})
	if v := ansi.Strip(h.view()); strings.Contains(v, "11.0") || !strings.Contains(v, "77.0") {
		t.Fatal("an answer older than the one shown replaced it")
	}
}

// TestStatsUnsupportedSaysNAOnce: a backend that exposes no figures
// makes its rows say n/a, says so once, and is not asked again.
func TestStatsUnsupportedSaysNAOnce(t *testing.T) {
	t.Parallel()
	h := newStatsHarness(t, 120, 40, Config{}, running(3)...)
	h.fs.FailStats(fmt.Errorf("docker: %w", backend.ErrUnsupported))
	h.tick()
	v := ansi.Strip(h.view())
	if n := strings.Count(v, "n/a"); n < 3*5 {
		t.Fatalf("rows must say n/a (%d found):\n%s", n, v)
	}
	if strings.Count(v, "no resource figures") != 1 || strings.Contains(v, "✗") {
		t.Fatalf("one note, not an error:\n%s", v)
	}
	h.m = h.m.expireMessage()
	if got := h.tick(); got != 0 || len(h.fs.StatsCalls()) != 1 {
		t.Fatalf("a backend without figures was asked again: %d requests", got)
	}
}

// TestStatsBackendWithoutFiguresNA: beside one with figures, a backend
// without the capability shows n/a and is never asked.
func TestStatsBackendWithoutFiguresNA(t *testing.T) {
	t.Parallel()
	plain := fake.New("remote", backend.Sandbox{ID: "rt-1", Status: backend.StatusRunning})
	fs := fake.WithStats(fake.New("docker", running(2)...))
	h := newHarnessOver(t, 160, 40, Config{}, []backend.Backend{fs, plain}, fs.Backend)
	fs.SetSample(running(2)[0].ID, sample(5, 1<<20))
	h.tick()
	if row := lineWith(t, ansi.Strip(h.view()), "rt-1"); !strings.Contains(row, "n/a") {
		t.Fatalf("row of a backend without figures: %q", row)
	}
	for _, c := range fs.StatsCalls() {
		if slices.Contains(c, "rt-1") {
			t.Fatal("asked the wrong backend for rt-1")
		}
	}
}

// TestSortHeaviestFirst: H sorts by CPU, heaviest first; again, by
// memory; s goes back to the usual cycle.
func TestSortHeaviestFirst(t *testing.T) {
	t.Parallel()
	sbs := running(4)
	h := newStatsHarness(t, 120, 40, Config{}, sbs...)
	for i, cpu := range []float64{5, 250, 40, 0.5} {
		h.fs.SetSample(sbs[i].ID, sample(cpu, uint64(4-i)<<28))
	}
	h.tick()
	order := func() []string {
		var out []string
		for _, sb := range h.m.table.Visible() {
			out = append(out, sb.ID[len(sb.ID)-1:])
		}
		return out
	}
	h.key("H")
	if got := strings.Join(order(), ""); got != "1203" {
		t.Fatalf("by CPU: %s", got)
	}
	if !strings.Contains(ansi.Strip(h.view()), "sort: cpu") {
		t.Fatal("the title must say the sort")
	}
	h.key("H")
	if got := strings.Join(order(), ""); got != "0123" {
		t.Fatalf("by memory: %s", got)
	}
	h.key("s")
	if by, _ := h.m.table.Sort(); by.String() != "status" {
		t.Fatalf("s after a heavy sort: %s", by)
	}
}

// TestSamplingStopsWhenNothingShowsFigures: blur stops it, focus starts
// it at once; columns off stop it; the resources tab asks for the
// selection only.
func TestSamplingStopsWhenNothingShowsFigures(t *testing.T) {
	t.Parallel()
	h := newStatsHarness(t, 120, 40, Config{}, running(20)...)
	gen := h.m.stats.gen
	h.send(tea.BlurMsg{})
	if h.m.stats.on || h.m.stats.gen == gen {
		t.Fatal("a hidden terminal must stop sampling")
	}
	if cmd := h.send(tea.FocusMsg{}); !h.m.stats.on || cmd == nil {
		t.Fatal("focus must restart sampling at once")
	}
	h.key("%")
	if h.m.stats.on {
		t.Fatal("columns off and no resources tab: sampling must stop")
	}
	if v := ansi.Strip(h.view()); strings.Contains(v, "CPU%") {
		t.Fatal("columns still shown")
	}
	h.key("4")
	if !h.m.stats.on {
		t.Fatal("the resources tab must sample the selection")
	}
	h.tick()
	sel, _ := h.m.table.Selected()
	if calls := h.fs.StatsCalls(); !slices.Equal(calls[len(calls)-1], []string{sel.ID}) {
		t.Fatalf("with columns off the tab asks for the selection only: %v", calls)
	}
	h.key("1")
	if h.m.stats.on {
		t.Fatal("tab hidden and columns off: sampling must stop")
	}
}

// TestStatsOffNeverSamples: stats_interval off, or no backend with
// figures, keeps today's dashboard: no columns, no requests, no focus
// reports.
func TestStatsOffNeverSamples(t *testing.T) {
	t.Parallel()
	h := newStatsHarness(t, 120, 40, Config{StatsInterval: -1}, running(5)...)
	if h.m.stats.on || h.m.View().ReportFocus || strings.Contains(ansi.Strip(h.view()), "CPU%") {
		t.Fatal("sampling off must show and ask nothing")
	}
	h.key("%")
	if !strings.Contains(ansi.Strip(h.view()), "sampling is off") {
		t.Fatal("% must say why nothing shows")
	}
	plain := newHarness(t, 120, 40, Config{}, running(5)...)
	if plain.m.stats.on || plain.m.View().ReportFocus {
		t.Fatal("no backend with figures: no sampling")
	}
}

// TestStatsTotalsInStatusBar: the status bar sums the sandboxes sampled
// and says how many.
func TestStatsTotalsInStatusBar(t *testing.T) {
	t.Parallel()
	sbs := running(3)
	h := newStatsHarness(t, 120, 40, Config{}, sbs...)
	h.fs.SetSample(sbs[0].ID, sample(50, 1<<30))
	h.fs.SetSample(sbs[1].ID, sample(25.5, 512<<20))
	h.tick()
	if bar := ansi.Strip(h.m.statusBar()); !strings.Contains(bar, "Σ 2 sampled: cpu 75.5% mem 1.5G") {
		t.Fatalf("status bar: %q", bar)
	}
}

// TestStatsSlowBackendGetsOneRequest: while a request is out, ticks ask
// that backend nothing more.
func TestStatsSlowBackendGetsOneRequest(t *testing.T) {
	t.Parallel()
	h := newStatsHarness(t, 120, 40, Config{}, running(3)...)
	var reqs []tea.Cmd
	h.m, reqs = h.m.requests(h.m.stats.gen)
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	var more []tea.Cmd
	h.m, more = h.m.requests(h.m.stats.gen)
	if len(more) != 0 {
		t.Fatal("a second request while the first is out")
	}
	h.send(reqs[0]())
	if _, more = h.m.requests(h.m.stats.gen); len(more) != 1 {
		t.Fatal("no request after the answer came")
	}
}

func lineWith(t *testing.T, v, sub string) string {
	t.Helper()
	for _, l := range strings.Split(v, "\n") {
		if strings.Contains(l, sub) {
			return l
		}
	}
	t.Fatalf("no line with %q in:\n%s", sub, v)
	return ""
}

// TestFaultResourceCellsAndTotalsClean: planted escapes in a sandbox id
// and in a backend name reach neither the resource columns, the status
// bar's totals nor the resources tab; the planted session key stays
// masked in the agent URL beside the figures.
func TestFaultResourceCellsAndTotalsClean(t *testing.T) {
	t.Parallel()
	evil := "oh-agent-server-\x1b]52;c;ZXZpbA==\a\x1b[2J\u009b31m\u202eevil"
	sbs := fixtureSandboxes()
	sbs[0].ID = evil
	fs := fake.WithStats(fake.New("dock\x1b]52;c;ZXZpbA==\aer\u202e", sbs...))
	h := newHarnessOver(t, 160, 40, Config{}, []backend.Backend{fs}, fs.Backend)
	fs.SetSample(evil, sample(12, 1<<30))
	h.key("down") // the evil one, selected: its id is in the tab bar too
	h.tick()
	h.key("4")
	h.tick()
	key := sbs[0].SessionAPIKey.Reveal()
	for _, v := range []string{h.view(), h.m.statusBar()} {
		for _, bad := range []string{"\x1b]52", "\x1b[2J", "\u009b", "\u202e", "\a", key} {
			if strings.Contains(v, bad) {
				t.Fatalf("%q reached the screen:\n%s", bad, ansi.Strip(v))
			}
		}
	}
	if !strings.Contains(ansi.Strip(h.view()), "12.0") {
		t.Fatal("the figures of the sandbox with the odd name are missing")
	}
}

// TestStatsOneRequestPerBackendAndTotalsPerBackend: two backends with
// figures get one request each per tick, for their own rows; the status
// bar sums all and each.
func TestStatsOneRequestPerBackendAndTotalsPerBackend(t *testing.T) {
	t.Parallel()
	a := fake.WithStats(fake.New("alpha", running(2)...))
	bsbs := []backend.Sandbox{{ID: "oh-agent-server-beta-0001", Status: backend.StatusRunning}, {ID: "oh-agent-server-beta-0002", Status: backend.StatusRunning}}
	b := fake.WithStats(fake.New("beta", bsbs...))
	h := newHarnessOver(t, 200, 40, Config{}, []backend.Backend{a, b}, a.Backend)
	a.SetSample(running(2)[0].ID, sample(10, 1<<30))
	b.SetSample("oh-agent-server-beta-0001", sample(20, 1<<30))
	b.SetSample("oh-agent-server-beta-0002", sample(30, 1<<30))
	if got := h.tick(); got != 2 {
		t.Fatalf("%d requests, want one per backend", got)
	}
	if ca, cb := a.StatsCalls(), b.StatsCalls(); len(ca) != 1 || len(cb) != 1 || len(ca[0]) != 2 || !slices.Equal(cb[0], []string{"oh-agent-server-beta-0001", "oh-agent-server-beta-0002"}) {
		t.Fatalf("alpha asked %v, beta %v", ca, cb)
	}
	bar := ansi.Strip(h.m.statusBar())
	if !strings.Contains(bar, "Σ 3 sampled: cpu 60.0% mem 3.0G (alpha 10.0% 1.0G, beta 50.0% 2.0G)") {
		t.Fatalf("status bar: %q", bar)
	}
}

// TestFaultStatsPartialAnswerUsed: a backend's answer with figures for
// some sandboxes and an error for another (one garbled cgroup file) shows
// the figures that came; the failed sandbox keeps its last ones. The
// whole answer used to be dropped, so one bad sandbox froze every row.
var errPartialStats = errors.New("memory.current: unexpected contents")

func TestFaultStatsPartialAnswerUsed(t *testing.T) {
	t.Parallel()
	sbs := running(2)
	h := newStatsHarness(t, 120, 40, Config{}, sbs...)
	h.fs.SetSample(sbs[0].ID, sample(11.5, 100<<20))
	h.fs.SetSample(sbs[1].ID, sample(22.5, 200<<20))
	h.tick()
	m, _ := h.m.applyStats(statsResultMsg{gen: h.m.stats.gen, seq: h.m.stats.seq + 1, source: h.m.stats.readers[0].name, at: time.Now(),
		asked:   []string{sbs[0].ID, sbs[1].ID},
		samples: map[string]backend.ResourceSample{sbs[0].ID: sample(77.5, 100<<20)},
		err:     errPartialStats})
	h.m = m
	v := ansi.Strip(h.view())
	if row := lineWith(t, v, sbs[0].ID); !strings.Contains(row, "77.5") {
		t.Errorf("the figures that came were dropped: %q", row)
	}
	if row := lineWith(t, v, sbs[1].ID); !strings.Contains(row, "22.5") {
		t.Errorf("the failed sandbox lost its last figures: %q", row)
	}
}

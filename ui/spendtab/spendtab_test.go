package spendtab

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/backend/spend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
	"github.com/ohdash/ohdash/ui/keymap"
	"github.com/ohdash/ohdash/ui/pane"
)

// fleet lists a fixed set of conversations, costs changeable between
// listings.
type fleet struct {
	mu    sync.Mutex
	convs []backend.Conversation
	// anywhere lists every conversation under the first sandbox, whatever
	// sandbox id it names (a hostile server's).
	anywhere bool
}

func (f *fleet) AllConversations(_ context.Context, sbs []backend.Sandbox) []backend.SandboxConversations {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]backend.SandboxConversations, len(sbs))
	for i, sb := range sbs {
		out[i].Sandbox = sb
		for _, c := range f.convs {
			if c.SandboxKey() == sb.Key() || (f.anywhere && i == 0) {
				out[i].Conversations = append(out[i].Conversations, c)
			}
		}
	}
	return out
}

func (f *fleet) spend(usd float64) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range f.convs {
		f.convs[i].Cost += usd * float64(i+1)
		f.convs[i].Tokens.Prompt += 1000
	}
}

func sandboxes() []backend.Sandbox {
	return []backend.Sandbox{
		{ID: "oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE", Source: "docker", Status: backend.StatusRunning},
		{ID: "oh-agent-server-9PqR2sT4uV6wX8yZ0aB1cD", Source: "docker", Status: backend.StatusRunning},
		{ID: "rt-eval-7f3a", Source: "eval", Status: backend.StatusRunning},
		{ID: "oh-agent-server-paused", Source: "docker", Status: backend.StatusPaused},
	}
}

func fixture() *fleet {
	sbs := sandboxes()
	models := []string{"litellm_proxy/anthropic/claude-sonnet-4-5-20250929", "litellm_proxy/openai/gpt-5-2025-08-07", "litellm_proxy/deepseek/deepseek-chat"}
	titles := []string{"Fix the failing date parser test", "Add retries to the HTTP client", "Write the release notes", "Refactor the config loader", "Bump dependencies"}
	f := &fleet{}
	for i := range 9 {
		sb := sbs[i%3]
		f.convs = append(f.convs, backend.Conversation{
			ID: fmt.Sprintf("%08x-1111-4222-8333-444455556666", i), SandboxID: sb.ID, Source: sb.Source,
			Title: titles[i%len(titles)], Model: models[i%len(models)], Status: backend.ExecRunning,
			Cost: 0.4 * float64(i+1), Tokens: backend.TokenUsage{Prompt: int64(20000 * (i + 1)), Completion: 900, CacheRead: 5000},
			CreatedAt: testkit.Now.Add(-time.Hour),
		})
	}
	return f
}

type harness struct {
	m      Model
	f      *fleet
	host   *pane.Host
	now    time.Time
	alerts []alert.Alert
}

func newHarness(t *testing.T, w, h int, f *fleet) *harness {
	t.Helper()
	hist, err := spend.OpenHistory(context.Background(), filepath.Join(t.TempDir(), spend.FileName), nil)
	if err != nil {
		t.Fatal(err)
	}
	hs := &harness{f: f, host: pane.NewHost(), now: testkit.Now}
	mon := &spend.Monitor{History: hist, Budget: spend.Budget{Global: spend.Limits{PerHour: 1}},
		Sink: spend.SinkFunc(func(a alert.Alert) { hs.alerts = append(hs.alerts, a) })}
	c := pane.Context{Ctx: context.Background(), Theme: theme.New(true), Now: func() time.Time { return hs.now },
		Keys: keymap.Default(), Host: hs.host, ActionTimeout: time.Minute}
	hs.m = New(c, Config{Source: f, Monitor: mon}).SetSize(w, h).(Model)
	p, _ := hs.m.Select(pane.World{Sandboxes: sandboxes(), Settled: true})
	hs.m = p.(Model)
	return hs
}

// snapshot runs one recorded listing at the harness's clock, as the
// minute cadence does (its Cmd run directly: the ticks are not waited for).
func (h *harness) snapshot(t *testing.T) {
	t.Helper()
	h.m.listing = false
	m, cmd := h.m.list(true)
	p, _ := m.Update(cmd())
	h.m = p.(Model)
}

func (h *harness) view(t *testing.T) string {
	t.Helper()
	v := h.m.View()
	if v != h.m.View() {
		t.Fatal("two renders differ")
	}
	return v
}

func TestGoldenSpend(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			h := newHarness(t, size[0], size[1], fixture())
			h.snapshot(t)
			// Ten minutes of work: $0.12 a minute per conversation step.
			for range 10 {
				h.now = h.now.Add(time.Minute)
				h.f.spend(0.01)
				h.snapshot(t)
			}
			testkit.Golden(t, fmt.Sprintf("spend_%dx%d", size[0], size[1]), h.view(t))
		})
	}
}

// The budget is said once per crossing, not once per refresh, on the
// message line and through the alert sink; the pane keeps showing it.
func TestBudgetCrossingOnce(t *testing.T) {
	h := newHarness(t, 120, 40, fixture())
	h.snapshot(t)
	var warnings []string
	for range 8 {
		h.now = h.now.Add(time.Minute)
		h.f.spend(0.01)
		h.snapshot(t)
		for _, a := range h.host.Take() {
			if a.Kind == pane.AskWarn {
				warnings = append(warnings, a.Text)
			}
		}
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], "spend budget crossed") || len(h.alerts) != 1 || h.alerts[0].Kind != alert.Budget {
		t.Fatalf("warnings %q, alerts %+v", warnings, h.alerts)
	}
	if v := ansi.Strip(h.view(t)); !strings.Contains(v, "⚠ spend budget crossed") || !strings.Contains(v, "last hour $") {
		t.Fatalf("the pane does not show the crossing:\n%s", v)
	}
}

// Scrolling moves through the sections with the details keys.
func TestScroll(t *testing.T) {
	h := newHarness(t, 80, 8, fixture())
	h.snapshot(t)
	first := ansi.Strip(h.view(t))
	p, _ := h.m.Update(testkit.Press("G"))
	h.m = p.(Model)
	last := ansi.Strip(h.view(t))
	if first == last || !strings.Contains(last, "Fix the failing date parser test") || strings.Contains(last, "BY MODEL") {
		t.Fatalf("G did not scroll:\n%s\n---\n%s", first, last)
	}
}

// Planted escapes and secrets in model names, titles and sandbox ids never
// reach the screen.
func TestFaultSpendPaneIsSafe(t *testing.T) {
	const secret = "plantSpendSessKey7Qm2Xv9Lk4Rz0Pw"
	backend.RememberSecret(secret)
	evil := "\x1b]52;c;cHduZWQ=\a\x1b[2J\u009b2J\u202eevil " + secret
	f := fixture()
	f.anywhere = true
	for i := range f.convs {
		f.convs[i].Model += evil
		f.convs[i].Title = evil + " token=" + secret
		f.convs[i].SandboxID += evil
		f.convs[i].Source += evil
	}
	h := newHarness(t, 120, 40, f)
	h.snapshot(t)
	v := h.view(t)
	plain := ansi.Strip(v)
	// The raw view (styled: SGR only) and the text must both be clean.
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\x1bP", "\x07", "\u009b", "\u202e", "cHduZWQ=", secret} {
		if strings.Contains(v, bad) || strings.Contains(plain, bad) {
			t.Errorf("the spend pane shows %q:\n%s", bad, plain)
		}
	}
	if !strings.Contains(plain, "evil") {
		t.Fatalf("the planted rows are not shown:\n%s", plain)
	}
}

package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// runnerBackend is a fake backend whose sandboxes have no exec API but
// run commands (as a runtime API's do).
type runnerBackend struct{ *fake.Backend }

func (runnerBackend) RunCommand(context.Context, string, backend.CommandRequest) (int, error) {
	return 0, nil
}

func newRunnerHarness(t *testing.T, w, h int) *harness {
	t.Helper()
	fb := fake.New("remote", fixtureSandboxes()[0])
	cfg := Config{Hub: backend.NewHub(runnerBackend{fb}), Theme: theme.New(true), FixedTheme: true, Now: func() time.Time { return testNow }}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hs := &harness{t: t, m: New(ctx, cfg), fb: fb}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	done := make(chan backend.Snapshot)
	close(done)
	hs.run(hs.send(snapshotMsg{snap: <-fb.Watch(ctx), ch: done}))
	return hs
}

// e on a sandbox without exec asks for a command line, saying it is the
// bash API without a terminal; sending it suspends the dashboard for the
// runner (a tea.Exec), esc cancels.
func TestExecCommandRunnerPrompt(t *testing.T) {
	h := newRunnerHarness(t, 120, 40)
	h.key("e")
	v := ansi.Strip(h.view())
	if !strings.Contains(v, "run in oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE (bash API: no terminal, no input)") || !strings.Contains(v, "a command line") {
		t.Fatalf("no command prompt:\n%s", v)
	}
	for _, k := range []string{"l", "s"} {
		h.key(k)
	}
	cmd := h.key("enter")
	if cmd == nil || h.m.composer != nil {
		t.Fatal("enter did not close the prompt and run the command")
	}
	next, exec := h.m.Update(cmd())
	h.m = next.(Model)
	if exec == nil {
		t.Fatal("no runner started")
	}
	h.key("e")
	h.run(h.key("esc"))
	if h.m.composer != nil || !strings.Contains(ansi.Strip(h.view()), "cancelled") {
		t.Fatalf("esc did not cancel:\n%s", ansi.Strip(h.view()))
	}
}

func TestGoldenRunPrompt(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		name := fmt.Sprintf("run_prompt_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			h := newRunnerHarness(t, size[0], size[1])
			h.key("e")
			v := h.view()
			checkShape(t, v, size[0], size[1])
			testkit.Golden(t, name, v)
		})
	}
}

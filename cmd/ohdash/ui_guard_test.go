package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
	"github.com/ohdash/ohdash/ui"
)

// dashboardOn opens the dashboard, configured by args, on a fake backend
// wrapped by the app's guard (as the real dashboard wraps its backends),
// and returns the program and the fake.
func dashboardOn(t *testing.T, h *harness, args ...string) (*teatest.TestModel, *fake.Backend) {
	t.Helper()
	a := h.testApp(args...)
	f := fake.New("docker", backend.Sandbox{ID: "oh-agent-server-alpha", Status: backend.StatusRunning, Flavor: backend.FlavorAgentServer})
	keys, err := a.cfg.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	cfg := a.uiConfig(backend.NewHub(a.guard.Backend(f)), keys)
	tm := teatest.NewTestModel(t, ui.New(ctx, cfg), teatest.WithInitialTermSize(100, 30))
	t.Cleanup(func() { _ = tm.Quit() })
	waitScreen(t, tm, "oh-agent-server-alpha")
	return tm, f
}

func waitScreen(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), text) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// Actions taken in the dashboard are audited with origin "dashboard".
func TestDashboardActionsAreAudited(t *testing.T) {
	h := newHarness(t)
	h.writeConfig("docker = []\n")
	tm, f := dashboardOn(t, h)
	tm.Type("p")
	waitScreen(t, tm, "pause oh-agent-server-alpha")
	tm.Type("y")
	waitScreen(t, tm, "paused oh-agent-server-alpha")
	if got := f.Actions(); len(got) != 1 || got[0] != "pause oh-agent-server-alpha" {
		t.Fatalf("backend actions %v", got)
	}
	entries := readAudit(t, h.auditPath())
	if len(entries) != 1 || entries[0].Origin != "dashboard" || entries[0].Action != guard.SandboxPause || entries[0].Result != guard.ResultOK {
		t.Fatalf("audit %+v", entries)
	}
}

// Read-only mode refuses in the dashboard itself (before any dialog) and,
// should a key get past it, in the guard behind it.
func TestDashboardReadOnlyRefusals(t *testing.T) {
	h := newHarness(t)
	h.writeConfig("docker = []\n")
	tm, f := dashboardOn(t, h, "--readonly")
	tm.Type("p")
	waitScreen(t, tm, "read-only")
	if len(f.Actions()) != 0 {
		t.Fatal("read-only dashboard reached the backend")
	}

	// Second line of defence: the UI believes it may act, the guard does
	// not (a UI bug must not turn into a change).
	h2 := newHarness(t)
	h2.writeConfig("docker = []\n")
	a := h2.testApp("--readonly")
	f2 := fake.New("docker", backend.Sandbox{ID: "oh-agent-server-beta", Status: backend.StatusRunning})
	keys, _ := a.cfg.UIKeys()
	cfg := a.uiConfig(backend.NewHub(a.guard.Backend(f2)), keys)
	cfg.ReadOnly = false
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	tm2 := teatest.NewTestModel(t, ui.New(ctx, cfg), teatest.WithInitialTermSize(100, 30))
	defer func() { _ = tm2.Quit() }()
	waitScreen(t, tm2, "oh-agent-server-beta")
	tm2.Type("p")
	waitScreen(t, tm2, "pause oh-agent-server-beta")
	tm2.Type("y")
	waitScreen(t, tm2, "read-only mode")
	if len(f2.Actions()) != 0 {
		t.Fatal("the guard let a change through in read-only mode")
	}
	entries := readAudit(t, h2.auditPath())
	if len(entries) != 1 || entries[0].Result != guard.ResultRefused || entries[0].Origin != "dashboard" {
		t.Fatalf("audit %+v", entries)
	}
}

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
	waitScreen(t, tm, "read-only mode: pause is disabled (started with --readonly)")
	if len(f.Actions()) != 0 {
		t.Fatal("read-only dashboard reached the backend")
	}
	// The dashboard's own refusal is audited like the command line's.
	waitAudit(t, h.auditPath(), func(es []guard.Entry) bool {
		return len(es) == 1 && es[0].Result == guard.ResultRefused && es[0].Origin == "dashboard" &&
			es[0].Action == guard.SandboxPause && es[0].Target == "oh-agent-server-alpha" && es[0].Backend == "docker"
	})

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

// waitAudit waits until the audit log's outcomes satisfy ok (the
// dashboard writes them from a command, off its update loop).
func waitAudit(t *testing.T, path string, ok func([]guard.Entry) bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		es := readAudit(t, path)
		if ok(es) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("audit %+v", es)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// Read-only mode set in the configuration file: the dashboard's refusal
// names the file (not "--readonly", which was never given), and is audited.
func TestDashboardReadOnlyFromConfigNamesTheFile(t *testing.T) {
	h := newHarness(t)
	h.writeConfig("docker = []\nreadonly = true\n")
	tm, f := dashboardOn(t, h)
	tm.Type("d")
	// The line is cut at the terminal's width; the audit entry below has
	// the whole path.
	waitScreen(t, tm, "read-only mode: delete is disabled (readonly = true in "+h.configPath()[:20])
	if len(f.Actions()) != 0 {
		t.Fatal("read-only dashboard reached the backend")
	}
	waitAudit(t, h.auditPath(), func(es []guard.Entry) bool {
		return len(es) == 1 && es[0].Result == guard.ResultRefused && es[0].Action == guard.SandboxDelete &&
			strings.Contains(es[0].Error, h.configPath())
	})
}

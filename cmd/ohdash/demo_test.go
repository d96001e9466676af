package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/demo"
	"github.com/ohdash/ohdash/ui"
)

// demoIDs are the ids of the runtime API sandboxes the default demo seed
// produces that are not paused.
func demoIDs(t *testing.T) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := demo.Start(ctx, demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sbs, err := d.Backend.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, sb := range sbs {
		// Paused sandboxes sort last: beside the app-server's rows they
		// may be below the fold of an 80×24 terminal.
		if sb.Status != backend.StatusPaused {
			ids = append(ids, sb.ID)
		}
	}
	return ids
}

// `ohdash demo` shows its sandboxes within 2 s, at 80×24, driven through
// the same setup as the command (configuration, guard, demo hub, UI).
func TestDemoShowsSandboxesWithin2s(t *testing.T) {
	ids := demoIDs(t)
	h := newHarness(t)
	a := h.testApp("demo")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	hub, stop, err := a.demoHub(ctx, demo.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	keys, err := a.cfg.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, ui.New(ctx, a.uiConfig(hub, keys)), teatest.WithInitialTermSize(80, 24))
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		s := ansi.Strip(string(b))
		for _, id := range ids[:3] {
			if !strings.Contains(s, id) {
				return false
			}
		}
		return strings.Contains(s, "RUNNING")
	}, teatest.WithDuration(2*time.Second), teatest.WithCheckInterval(20*time.Millisecond))
	t.Logf("sandboxes shown %v after start", time.Since(start).Round(time.Millisecond))
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
}

// tmuxTerm is the real binary in a real terminal: a detached tmux server
// of the test's own.
type tmuxTerm struct {
	t       *testing.T
	tmux    string
	session string
}

func startTmux(t *testing.T, command string) *tmuxTerm {
	t.Helper()
	tmux, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed; TestDemoShowsSandboxesWithin2s covers the demo through teatest")
	}
	session := "ohdash-test-" + filepath.Base(t.TempDir())
	cmd := exec.Command(tmux, "-L", session, "new-session", "-d", "-x", "80", "-y", "24", "-s", session, command)
	cmd.Env = append(os.Environ(), "TMUX=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("tmux: %v\n%s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command(tmux, "-L", session, "kill-server").Run() })
	return &tmuxTerm{t: t, tmux: tmux, session: session}
}

func (m *tmuxTerm) screen() string {
	out, _ := exec.Command(m.tmux, "-L", m.session, "capture-pane", "-p", "-t", m.session).Output()
	return string(out)
}

func (m *tmuxTerm) keys(keys ...string) {
	args := append([]string{"-L", m.session, "send-keys", "-t", m.session}, keys...)
	if out, err := exec.Command(m.tmux, args...).CombinedOutput(); err != nil {
		m.t.Fatalf("send-keys: %v %s", err, out)
	}
}

// waitFor polls the screen until ok or the deadline.
func (m *tmuxTerm) waitFor(d time.Duration, ok func(string) bool) (string, bool) {
	deadline := time.Now().Add(d)
	for {
		s := m.screen()
		if ok(s) {
			return s, true
		}
		if time.Now().After(deadline) {
			return s, false
		}
		time.Sleep(30 * time.Millisecond)
	}
}

// The real binary, in a real terminal, shows the demo within 2 s. While it
// runs nothing reaches stderr, even when an action fails (here: the audit
// log cannot be written, so a pause is refused and said so in the status
// line).
func TestDemoBinaryInTmux(t *testing.T) {
	bin := buildOhdash(t)
	ids := demoIDs(t)
	home := t.TempDir()
	errFile := filepath.Join(home, "stderr")
	env := "HOME=" + home + " XDG_CONFIG_HOME=" + home + "/c XDG_STATE_HOME=" + home + "/s TERM=xterm-256color"
	term := startTmux(t, "env "+env+" "+bin+" demo --audit-log /dev/null/audit.log 2>"+errFile+"; sleep 30")
	start := time.Now()
	screen, ok := term.waitFor(2*time.Second, func(s string) bool {
		return strings.Contains(s, ids[0]) && strings.Contains(s, "RUNNING")
	})
	if !ok {
		t.Fatalf("no sandbox on screen 2 s after launch:\n%s", screen)
	}
	t.Logf("sandboxes on screen %v after launch", time.Since(start).Round(time.Millisecond))
	// Filtered to the runtime API's sandboxes (the app-server's are
	// listed too), the list starts with the failing one; the next row
	// is running.
	term.keys("/", "seed", "Enter", "j", "p")
	if screen, ok = term.waitFor(5*time.Second, func(s string) bool { return strings.Contains(s, "pause seed") }); !ok {
		t.Fatalf("no confirmation:\n%s", screen)
	}
	term.keys("y")
	if screen, ok = term.waitFor(5*time.Second, func(s string) bool { return strings.Contains(s, "audit") }); !ok {
		t.Fatalf("the refused action is not on screen:\n%s", screen)
	}
	term.keys("q")
	if _, ok = term.waitFor(5*time.Second, func(s string) bool { return !strings.Contains(s, "RUNNING") }); !ok {
		t.Fatal("q did not quit")
	}
	if b, err := os.ReadFile(errFile); err != nil || len(b) != 0 {
		t.Fatalf("the dashboard wrote to stderr while it ran: %q %v", b, err)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/backend/fake"
	"github.com/ohdash/ohdash/ui"
)

// rawScreen collects everything a test program wrote to its terminal.
type rawScreen struct {
	src io.Reader
	buf bytes.Buffer
}

func (r *rawScreen) read() []byte {
	b, _ := io.ReadAll(r.src)
	r.buf.Write(b)
	return r.buf.Bytes()
}

// waitRaw waits until the raw output satisfies ok.
func (r *rawScreen) waitRaw(t *testing.T, what string, ok func([]byte) bool) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for !ok(r.read()) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; screen:\n%s", what, ansi.Strip(string(r.buf.Bytes()[max(0, r.buf.Len()-4000):])))
		}
		time.Sleep(50 * time.Millisecond)
	}
}

var (
	oscAny    = regexp.MustCompile("\x1b\\][^\x07\x1b]*(\x07|\x1b\\\\)")
	osc9Seq   = regexp.MustCompile("\x1b\\]9;([^\x07]*)\x07")
	osc777Seq = regexp.MustCompile("\x1b\\]777;notify;([^\x07]*)\x07")
)

// bells counts the BELs that are not the end of an OSC sequence.
func bells(b []byte) int { return bytes.Count(oscAny.ReplaceAll(b, nil), []byte("\a")) }

// The dashboard on the real engine, every channel on: a conversation that
// goes to waiting_for_confirmation rings the bell once, sends one OSC 9
// and one OSC 777 notification (in the raw terminal output) and runs the
// hook once with valid JSON; refreshes after it raise nothing more; the
// alerts tab lists it. The conversation's title carries planted escapes
// and the session key: no channel passes them on.
func TestDockerDashboardAlertsOnEveryChannel(t *testing.T) {
	h, e := dockerHarness(t)
	dir := t.TempDir()
	got := filepath.Join(dir, "alerts.ndjson")
	hook := filepath.Join(dir, "hook.sh")
	writeTestFile(t, hook, "#!/bin/sh\ncat >> \"$1\"\n")
	if err := os.Chmod(hook, 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, _ := os.ReadFile(h.configPath())
	h.writeConfig(string(cfg) + `
[alerts]
bell = true
osc9 = true
osc777 = true
command = ["` + hook + `", "` + got + `"]
`)
	name, convID := alertSandbox(t, h, e)

	a := h.testApp()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bs, err := a.Selected(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := a.cfg.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	hub := backend.NewHub(bs...)
	tm := teatest.NewTestModel(t, ui.New(ctx, a.alertingConfig(ctx, a.uiConfig(hub, keys), hub)), teatest.WithInitialTermSize(120, 40))
	t.Cleanup(func() { _ = tm.Quit() })
	screen := &rawScreen{src: tm.Output()}
	screen.waitRaw(t, "the sandbox", func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), name) })
	tm.Send(keyPress("3"))
	screen.waitRaw(t, "the conversation listed", func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), "the bug") })

	h.must(exitOK, "send", convID, "run the tests")
	screen.waitRaw(t, "the notification", func(b []byte) bool { return osc9Seq.Match(b) })
	// Two refreshes of the list later, nothing more has been sent.
	time.Sleep(11 * time.Second)
	raw := screen.read()
	if n := len(osc9Seq.FindAll(raw, -1)); n != 1 {
		t.Errorf("%d OSC 9 notifications, want 1", n)
	}
	if n := len(osc777Seq.FindAll(raw, -1)); n != 1 {
		t.Errorf("%d OSC 777 notifications, want 1", n)
	}
	if n := bells(raw); n != 1 {
		t.Errorf("%d bells, want 1", n)
	}
	for _, m := range append(osc9Seq.FindAllSubmatch(raw, -1), osc777Seq.FindAllSubmatch(raw, -1)...) {
		payload := m[1]
		checkTerminalSafe(t, []output{{path: "OSC payload", data: payload}})
		checkNoLeaks(t, []output{{path: "OSC payload", data: payload}}, []string{dockerSessionKey})
		if !bytes.Contains(payload, []byte("the bug")) || !bytes.Contains(payload, []byte("waiting")) {
			t.Errorf("payload %q", payload)
		}
	}
	waitFor(t, 10*time.Second, "the hook's output", func() bool { b, _ := os.ReadFile(got); return len(b) > 0 })
	b, _ := os.ReadFile(got)
	lines := strings.Split(strings.TrimSuffix(string(b), "\n"), "\n")
	if len(lines) != 1 {
		t.Fatalf("the hook ran %d times:\n%s", len(lines), b)
	}
	var al alert.Alert
	if err := json.Unmarshal([]byte(lines[0]), &al); err != nil {
		t.Fatalf("hook stdin is not JSON: %v: %q", err, lines[0])
	}
	if al.Kind != alert.ConvWaiting || al.Conversation != convID || al.Sandbox != name || al.Backend != "local" || al.Time.IsZero() {
		t.Errorf("hook alert %+v", al)
	}
	out := []output{{path: "hook stdin", data: b}}
	checkTerminalSafe(t, out)
	checkNoLeaks(t, out, []string{dockerSessionKey})

	tm.Send(keyPress("5"))
	screen.waitRaw(t, "the alerts tab", func(b []byte) bool {
		return strings.Contains(ansi.Strip(string(b)), "in "+name[:20])
	})
}

func keyPress(k string) tea.KeyPressMsg {
	r := []rune(k)[0]
	return tea.KeyPressMsg{Code: r, Text: k}
}

// The path a spend budget takes: an alert sent to the dashboard's notifier
// (what panes get as pane.Context.Alerts) rings the bell and is listed on
// the alerts tab; a kind the [alerts] table filters out goes nowhere.
func TestDashboardNotifierDeliversBudgetAlerts(t *testing.T) {
	h := newHarness(t)
	h.writeConfig("[alerts]\nbell = true\nkinds = [\"budget\"]\n")
	a := h.testApp()
	f := fake.New("docker", backend.Sandbox{ID: "oh-agent-server-alpha", Status: backend.StatusRunning, Flavor: backend.FlavorAgentServer})
	keys, err := a.cfg.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hub := backend.NewHub(a.guard.Backend(f))
	cfg := a.alertingConfig(ctx, a.uiConfig(hub, keys), hub)
	tm := teatest.NewTestModel(t, ui.New(ctx, cfg), teatest.WithInitialTermSize(100, 30))
	t.Cleanup(func() { _ = tm.Quit() })
	screen := &rawScreen{src: tm.Output()}
	screen.waitRaw(t, "the sandbox", func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), "oh-agent-server-alpha") })
	cfg.Notifier.Notify(alert.Alert{Kind: alert.ConvFinished, Backend: "docker", To: "finished", Title: "filtered out"})
	cfg.Notifier.Notify(alert.Alert{Kind: alert.Budget, Backend: "docker", To: "crossed", Title: "spend $12.40 in the last hour is over $10"})
	tm.Send(keyPress("5"))
	screen.waitRaw(t, "the budget alert", func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), "over $10") })
	screen.waitRaw(t, "the bell", func(b []byte) bool { return bells(b) >= 1 })
	time.Sleep(200 * time.Millisecond)
	if n := bells(screen.read()); n != 1 {
		t.Errorf("%d bells, want 1", n)
	}
	if strings.Contains(ansi.Strip(string(screen.read())), "filtered out") {
		t.Error("a kind outside alerts.kinds was listed")
	}
}

package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

func TestGoldenViews(t *testing.T) {
	type step func(h *harness)
	cases := []struct {
		name  string
		steps []step
	}{
		{"list", nil},
		{"details", []step{func(h *harness) { h.key("2"); h.key("tab") }}},
		{"confirm_delete", []step{func(h *harness) { h.key("d") }}},
		{"help", []step{func(h *harness) { h.key("?") }}},
		{"filter", []step{func(h *harness) { h.key("/"); h.key("r"); h.key("u"); h.key("n") }}},
		{"reconnecting", []step{func(h *harness) {
			h.fb.SetConn(backend.ConnState{Phase: backend.ConnReconnecting, Since: testNow.Add(-20 * time.Second),
				NextRetry: testNow.Add(4 * time.Second), Err: errors.New("dial unix /var/run/docker.sock: connection refused")})
			h.send(snapshotMsg{snap: <-h.fb.Watch(h.m.ctx)})
		}}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, c := range cases {
			name := fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t, size[0], size[1], Config{}, fixtureSandboxes()...)
				for _, s := range c.steps {
					s(h)
				}
				v := h.view()
				checkShape(t, v, size[0], size[1])
				testkit.Golden(t, name, v)
			})
		}
	}
}

// checkShape requires every frame to be exactly the terminal's size.
func checkShape(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Fatalf("view has %d lines, want %d", len(lines), h)
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("line %d is %d cells wide, want %d: %q", i, got, w, ansi.Strip(l))
		}
	}
}

func TestTooSmallSaysSo(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 40, 10, Config{}, fixtureSandboxes()...)
	v := ansi.Strip(h.view())
	if !strings.Contains(v, "needs at least 50×12") || !strings.Contains(v, "40×10") {
		t.Fatalf("too-small message missing:\n%s", v)
	}
}

func TestPauseAsksThenRunsWithoutBlocking(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 120, 40, Config{}, fixtureSandboxes()...)
	// The running sandbox sorts first under the default status order? The
	// error one does; move to the running one explicitly.
	h.key("down")
	sel, _ := h.m.table.Selected()
	if sel.Status != backend.StatusRunning {
		t.Fatalf("fixture order changed: selected %s (%s)", sel.ID, sel.Status)
	}
	if cmd := h.key("p"); cmd != nil {
		t.Fatal("opening the confirmation must not start anything")
	}
	if h.m.confirm == nil || !strings.Contains(h.m.confirm.Title(), "pause "+sel.ID) {
		t.Fatalf("no confirmation naming the sandbox: %+v", h.m.confirm)
	}
	if len(h.fb.Actions()) != 0 {
		t.Fatal("action ran before confirmation")
	}
	confirmCmd := h.key("y")
	// The dialog result arrives as a message; the action itself is a Cmd.
	actionCmd := h.send(confirmCmd())
	if actionCmd == nil {
		t.Fatal("confirming must return the action as a Cmd")
	}
	if !strings.Contains(ansi.Strip(h.view()), "pausing "+sel.ID) {
		t.Fatalf("progress not shown while the action runs:\n%s", ansi.Strip(h.view()))
	}
	h.run(actionCmd)
	if got := h.fb.Actions(); len(got) != 1 || got[0] != "pause "+sel.ID {
		t.Fatalf("actions = %v", got)
	}
	if !strings.Contains(ansi.Strip(h.view()), "paused "+sel.ID) {
		t.Fatalf("result not shown:\n%s", ansi.Strip(h.view()))
	}
}

func TestDeleteCancelledByDefault(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 80, 24, Config{}, fixtureSandboxes()...)
	h.key("d")
	h.run(h.key("enter"))
	if len(h.fb.Actions()) != 0 || h.m.confirm != nil {
		t.Fatalf("enter must cancel: actions %v", h.fb.Actions())
	}
	if !strings.Contains(ansi.Strip(h.view()), "cancelled") {
		t.Fatal("cancel not acknowledged")
	}
}

func TestActionErrorIsShown(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 120, 40, Config{}, fixtureSandboxes()...)
	h.fb.FailNext(fmt.Errorf("engine said no: %w", backend.ErrUnavailable))
	h.key("d")
	h.run(h.key("y"))
	v := ansi.Strip(h.view())
	if !strings.Contains(v, "failed: engine said no") || !strings.Contains(v, "unreachable") {
		t.Fatalf("error not surfaced:\n%s", v)
	}
}

func TestReadOnlyRefusesActions(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 120, 40, Config{ReadOnly: true}, fixtureSandboxes()...)
	for _, k := range []string{"p", "r", "d", "c"} {
		h.key(k)
		if h.m.confirm != nil {
			t.Fatalf("%s opened a confirmation in read-only mode", k)
		}
		if !strings.Contains(ansi.Strip(h.view()), "read-only mode") {
			t.Fatalf("%s: no read-only message", k)
		}
	}
	if len(h.fb.Actions()) != 0 {
		t.Fatal("an action ran in read-only mode")
	}
}

func TestRefusesPauseOfPausedSandbox(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 120, 40, Config{}, fixtureSandboxes()...)
	h.key("G") // the paused one sorts last among these
	sel, _ := h.m.table.Selected()
	if sel.Status != backend.StatusPaused {
		t.Fatalf("selected %s", sel.Status)
	}
	h.key("p")
	if h.m.confirm != nil {
		t.Fatal("pausing a paused sandbox must be refused before asking")
	}
	if !strings.Contains(ansi.Strip(h.view()), "only a running sandbox can be paused") {
		t.Fatal("no explanation")
	}
}

func TestSnapshotKeepsSelectionAndPausedRowsStay(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 120, 40, Config{}, fixtureSandboxes()...)
	h.key("down")
	sel, _ := h.m.table.Selected()
	sbs := fixtureSandboxes()
	// A new sandbox appears that sorts before the selected one.
	sbs = append(sbs, backend.Sandbox{ID: "oh-agent-server-new", Status: backend.StatusError})
	h.fb.SetSandboxes(sbs...)
	h.send(snapshotMsg{snap: <-h.fb.Watch(h.m.ctx)})
	now, _ := h.m.table.Selected()
	if now.ID != sel.ID {
		t.Fatalf("selection jumped from %s to %s", sel.ID, now.ID)
	}
	if !strings.Contains(ansi.Strip(h.view()), "PAUSED") {
		t.Fatal("paused sandbox disappeared")
	}
}

func TestRevealShowsSecretsOnlyOnRequest(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 120, 40, Config{}, fixtureSandboxes()...)
	h.key("down")
	h.key("2")
	secret := "kP3xq9ZrT1bVw7YcLm2NfA8sDe4GhJ6uXo0iQyRtBnM"
	if strings.Contains(h.view(), secret) {
		t.Fatal("secret visible before reveal")
	}
	h.key("x")
	if !strings.Contains(h.view(), secret) {
		t.Fatal("reveal did not show the key")
	}
	h.key("x")
	if strings.Contains(h.view(), secret) {
		t.Fatal("secret still visible after masking again")
	}
}

// On a terminal too short for every key the help screen scrolls, so no
// key is cut off, and says where the reader is.
func TestHelpScrollsOnShortTerminal(t *testing.T) {
	t.Parallel()
	h := newHarness(t, 80, 24, Config{}, fixtureSandboxes()...)
	h.key("?")
	top := ansi.Strip(h.view())
	checkShape(t, h.view(), 80, 24)
	total := len(h.m.helpLines())
	if !strings.Contains(top, fmt.Sprintf("lines 1–18 of %d", total)) || strings.Contains(top, "½ page down") {
		t.Fatalf("top of a scrolling help screen:\n%s", top)
	}
	h.key("G")
	bottom := ansi.Strip(h.view())
	if !strings.Contains(bottom, fmt.Sprintf("of %d)", total)) || !strings.Contains(bottom, "½ page down") {
		t.Fatalf("end of the help screen:\n%s", bottom)
	}
	h.key("k")
	if got := ansi.Strip(h.view()); !strings.Contains(got, fmt.Sprintf("lines %d–%d of %d", total-18, total-1, total)) {
		t.Fatalf("k scrolls up one line:\n%s", got)
	}
	h.key("esc")
	if strings.Contains(ansi.Strip(h.view()), "Keys  (") {
		t.Fatal("esc closes the help")
	}
	// A tall terminal shows everything at once, without a scroll hint.
	tall := newHarness(t, 120, 60, Config{}, fixtureSandboxes()...)
	tall.key("?")
	if v := ansi.Strip(tall.view()); strings.Contains(v, "scroll") || !strings.Contains(v, "½ page down") {
		t.Fatalf("tall help:\n%s", v)
	}
}

package ui

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/bulk"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// manySandboxes are n running agent-servers, every third one paused.
func manySandboxes(n int) []backend.Sandbox {
	out := make([]backend.Sandbox, n)
	for i := range out {
		st := backend.StatusRunning
		if i%3 == 2 {
			st = backend.StatusPaused
		}
		out[i] = backend.Sandbox{ID: fmt.Sprintf("oh-agent-server-bulk%03d", i), Prefix: "oh-agent-server-", Source: "docker",
			Status: st, CreatedAt: testNow.Add(-time.Duration(i) * time.Minute), Health: backend.Health{State: backend.HealthNone}}
	}
	return out
}

func TestGoldenMarks(t *testing.T) {
	cases := []struct {
		name string
		keys []string
	}{
		{"marked", []string{"space", "down", "space"}},
		{"confirm_bulk_delete", []string{"space", "space", "d"}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, c := range cases {
			name := fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t, size[0], size[1], Config{}, fixtureSandboxes()...)
				for _, k := range c.keys {
					h.key(k)
				}
				v := h.view()
				checkShape(t, v, size[0], size[1])
				testkit.Golden(t, name, v)
			})
		}
	}
}

// Marks show as a character (no colour needed) and the title bar counts
// them; * marks what the filter shows, u clears.
func TestMarkKeysInTheSandboxesTable(t *testing.T) {
	h := newHarness(t, 120, 40, Config{}, manySandboxes(9)...)
	h.m = h.m.setTheme(h.m.th.Monochrome())
	h.key("space")
	h.key("space")
	v := ansi.Strip(h.view())
	if !strings.Contains(v, "2 marked") {
		t.Fatalf("title bar must count marks:\n%s", v)
	}
	if got := strings.Count(v, "\n* "); got != 2 {
		t.Fatalf("%d rows start with the mark glyph, want 2:\n%s", got, v)
	}
	h.key("u")
	if h.m.table.MarkCount() != 0 || strings.Contains(ansi.Strip(h.view()), "marked") {
		t.Fatal("u must clear the marks")
	}
	h.key("/")
	for _, r := range "paused" {
		h.key(string(r))
	}
	h.key("enter")
	h.key("*")
	if n := h.m.table.MarkCount(); n != 3 {
		t.Fatalf("* marked %d, want the 3 paused ones the filter shows", n)
	}
	for _, sb := range h.m.table.Marked() {
		if sb.Status != backend.StatusPaused {
			t.Fatalf("marked %s (%s) which the filter hides", sb.ID, sb.Status)
		}
	}
}

// Marks follow the sandbox, not the row: a refresh that reorders keeps
// them, one that drops a sandbox drops its mark.
func TestMarksSurviveRefreshAndReorder(t *testing.T) {
	sbs := manySandboxes(6)
	h := newHarness(t, 120, 40, Config{}, sbs...)
	h.key("space")
	h.key("space")
	want := h.m.table.Marked()
	// Reorder: every sandbox is now paused, so the status sort changes.
	re := append([]backend.Sandbox(nil), sbs...)
	for i := range re {
		re[i].Status = backend.StatusPaused
	}
	h.fb.SetSandboxes(re...)
	h.send(snapshotMsg{snap: <-h.fb.Watch(h.m.ctx)})
	got := h.m.table.Marked()
	if len(got) != 2 || got[0].Key() != want[0].Key() && got[0].Key() != want[1].Key() {
		t.Fatalf("marks after reorder: %v, want %v", keysOf(got), keysOf(want))
	}
	var left []backend.Sandbox
	for _, sb := range re {
		if sb.Key() != want[0].Key() {
			left = append(left, sb)
		}
	}
	h.fb.SetSandboxes(left...)
	h.send(snapshotMsg{snap: <-h.fb.Watch(h.m.ctx)})
	if got := h.m.table.Marked(); len(got) != 1 || got[0].Key() != want[1].Key() {
		t.Fatalf("a gone sandbox keeps its mark: %v", keysOf(got))
	}
}

func keysOf(sbs []backend.Sandbox) []string {
	out := make([]string, len(sbs))
	for i, s := range sbs {
		out[i] = s.Key()
	}
	return out
}

// One confirmation for all marked rows, stating the count and what is at
// stake; progress k/N while it runs; a failed row stays marked, the rest
// are unmarked; the summary names the failure.
func TestBulkDeleteProgressAndPartialFailure(t *testing.T) {
	h := newHarness(t, 120, 40, Config{}, manySandboxes(5)...)
	h.key("*")
	bad := h.m.table.Marked()[2]
	h.fb.FailFor(bad.ID, fmt.Errorf("engine says no: %w", backend.ErrConflict))
	h.key("d")
	if h.m.confirm == nil {
		t.Fatal("no confirmation")
	}
	dialog := flat(h.m.confirm.View(120))
	if !strings.Contains(dialog, "delete 5 sandboxes?") || !strings.Contains(dialog, "and 2 more") {
		t.Fatalf("confirmation must state the count:\n%s", dialog)
	}
	if len(h.fb.Actions()) != 0 {
		t.Fatal("acted before confirmation")
	}
	cmd := h.key("y")
	// The dialog's result, then the batch's start.
	msg := cmd()
	start := h.send(msg)
	first := runUntil[bulk.ResultMsg](t, start)
	next := h.send(first)
	if line := ansi.Strip(h.m.messageLine()); !strings.Contains(line, "deleting 5 sandboxes: 1/5") {
		t.Fatalf("progress line %q", line)
	}
	h.run(next)
	if h.m.bulk != nil {
		t.Fatal("the batch did not finish")
	}
	if n := len(h.fb.Actions()); n != 5 {
		t.Fatalf("%d actions, want 5: %v", n, h.fb.Actions())
	}
	marked := h.m.table.Marked()
	if len(marked) != 1 || marked[0].ID != bad.ID {
		t.Fatalf("after a partial failure marked = %v, want only %s", keysOf(marked), bad.ID)
	}
	if !strings.Contains(h.m.msg.text, "deleted 4 of 5 sandboxes; 1 failed (left marked): "+bad.ID+": engine says no") {
		t.Fatalf("summary %q", h.m.msg.text)
	}
}

// runUntil runs cmd (and batches) until it yields a message of type T.
func runUntil[T any](t *testing.T, cmd tea.Cmd) T {
	t.Helper()
	var zero T
	if cmd == nil {
		t.Fatal("no command")
	}
	switch msg := cmd().(type) {
	case T:
		return msg
	default:
		if b, ok := any(msg).(tea.BatchMsg); ok {
			for _, c := range b {
				if c == nil {
					continue
				}
				if r, ok := tryRun[T](c); ok {
					return r
				}
			}
		}
	}
	t.Fatalf("no %T came", zero)
	return zero
}

func tryRun[T any](c tea.Cmd) (T, bool) {
	done := make(chan any, 1)
	go func() { done <- c() }()
	select {
	case m := <-done:
		r, ok := m.(T)
		return r, ok
	case <-time.After(2 * time.Second):
		var zero T
		return zero, false
	}
}

// Pausing marked rows leaves out those that are not running and says so.
func TestBulkPauseSkipsWhatDoesNotFit(t *testing.T) {
	h := newHarness(t, 120, 40, Config{}, manySandboxes(6)...)
	h.key("*")
	h.key("p")
	if h.m.confirm == nil {
		t.Fatalf("no confirmation: %q", h.m.msg.text)
	}
	d := flat(h.m.confirm.View(200))
	if !strings.Contains(d, "pause 4 sandboxes?") || !strings.Contains(d, "Skipped 2 marked: 2 not running") {
		t.Fatalf("dialog:\n%s", d)
	}
	h.key("n")
	h.run(func() tea.Msg { return confirm.ResultMsg{Confirmed: false, Payload: bulkRequest{}} })
	if len(h.fb.Actions()) != 0 || h.m.table.MarkCount() != 6 {
		t.Fatal("a cancelled bulk action must change nothing")
	}
}

// Read-only mode refuses a bulk action with one audited refusal per
// marked sandbox and runs nothing.
func TestBulkReadOnlyRefusesEachRow(t *testing.T) {
	var got []Refusal
	cfg := Config{ReadOnly: true, OnRefused: func(r Refusal) { got = append(got, r) }}
	h := newHarness(t, 120, 40, cfg, manySandboxes(4)...)
	h.key("*")
	h.run(h.key("d"))
	if len(got) != 4 || h.m.confirm != nil || len(h.fb.Actions()) != 0 {
		t.Fatalf("refusals %v, confirm %v, actions %v", got, h.m.confirm != nil, h.fb.Actions())
	}
	if !strings.Contains(h.m.msg.text, "read-only mode: delete of 4 marked sandboxes is disabled") {
		t.Fatalf("warning %q", h.m.msg.text)
	}
}

// Names planted with escapes and a secret reach the bulk confirmation
// and the summary clean.
func TestFaultBulkConfirmationIsClean(t *testing.T) {
	secret := "sk-ant-api03-PLANTEDsecretVALUE0123456789abcdef"
	sbs := manySandboxes(3)
	sbs[0].ID = "oh-agent-server-\x1b]52;c;aGk=\a\x1b[2Jevil\u009b31m\u202e"
	sbs[1].ID = "oh-agent-server-two-longer"
	h := newHarness(t, 120, 40, Config{}, sbs...)
	h.key("*")
	h.fb.FailFor(sbs[0].ID, errors.New("boom \x1b[2J api_key="+secret))
	h.fb.FailFor(sbs[1].ID, errors.New("boom \x1b]52;c;aGk=\a SESSION_API_KEY="+secret))
	h.key("d")
	if h.m.confirm == nil {
		t.Fatal("no confirmation")
	}
	outs := []string{h.m.confirm.View(200)}
	h.run(h.key("y"))
	// The table's rows (the logs pane under it shows the id its own way).
	rows := strings.Split(h.view(), "\n")[:5]
	outs = append(outs, h.m.msg.text, strings.Join(rows, "\n"))
	for _, o := range outs {
		for _, bad := range []string{"\x1b]", "\x1b[2J", "\u009b", "\u202e", "\a", secret} {
			if strings.Contains(o, bad) {
				t.Fatalf("%q leaked into %q", bad, o)
			}
		}
	}
	if !strings.Contains(h.m.msg.text, "2 failed") {
		t.Fatalf("summary %q", h.m.msg.text)
	}
}

// flat is a dialog's text on one line: borders and wrapping removed.
func flat(v string) string {
	v = strings.NewReplacer("║", " ", "╔", " ", "╗", " ", "╚", " ", "╝", " ", "═", " ").Replace(ansi.Strip(v))
	return strings.Join(strings.Fields(v), " ")
}

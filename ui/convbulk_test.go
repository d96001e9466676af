package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// actingConvs records the actions asked of it and fails those on one id.
type actingConvs struct {
	*fakeConvs
	amu     sync.Mutex
	acts    []string
	failFor string
}

func (a *actingConvs) act(verb, id string) error {
	a.amu.Lock()
	defer a.amu.Unlock()
	a.acts = append(a.acts, verb+" "+id)
	if id == a.failFor {
		return fmt.Errorf("agent-server says no: %w", backend.ErrConflict)
	}
	return nil
}

func (a *actingConvs) Pause(_ context.Context, _ backend.Sandbox, id string) error {
	return a.act("pause", id)
}

func (a *actingConvs) Delete(_ context.Context, _ backend.Sandbox, id string) error {
	return a.act("delete", id)
}

func (a *actingConvs) done() []string {
	a.amu.Lock()
	defer a.amu.Unlock()
	return append([]string(nil), a.acts...)
}

func convFleet(t *testing.T, readOnly bool, refused *[]Refusal) (*harness, *actingConvs, []backend.Conversation) {
	t.Helper()
	src := &actingConvs{fakeConvs: &fakeConvs{}}
	cfg := Config{Conversations: src, ReadOnly: readOnly}
	if refused != nil {
		cfg.OnRefused = func(r Refusal) { *refused = append(*refused, r) }
	}
	h := newHarness(t, 120, 40, cfg, fixtureSandboxes()...)
	h.key("down")
	sb, _ := h.m.table.Selected()
	statuses := []backend.ExecutionStatus{backend.ExecRunning, backend.ExecRunning, backend.ExecRunning, backend.ExecFinished, backend.ExecPaused}
	var convs []backend.Conversation
	for i, st := range statuses {
		convs = append(convs, backend.Conversation{ID: fmt.Sprintf("4f1c2d3e-0000-4000-8000-00000000000%d", i), SandboxID: sb.ID,
			Source: sb.Source, Title: fmt.Sprintf("task %d", i), Status: st})
	}
	src.list = convs
	h.run(h.key("3"))
	h.key("tab")
	return h, src, convs
}

// Pausing marked conversations: one confirmation stating the count and
// what is skipped by the shared rule; a failed one stays marked.
func TestBulkConversationPause(t *testing.T) {
	h, src, convs := convFleet(t, false, nil)
	src.failFor = convs[1].ID
	h.key("*")
	if !strings.Contains(h.view(), "5 marked") {
		t.Fatalf("the conversations header must count marks:\n%s", h.view())
	}
	h.key("P")
	if h.m.confirm == nil {
		t.Fatalf("no confirmation: %q", h.m.msg.text)
	}
	d := flat(h.m.confirm.View(200))
	if !strings.Contains(d, "pause 3 conversations?") || !strings.Contains(d, "Skipped 2 marked: 1 finished, 1 paused") {
		t.Fatalf("dialog: %s", d)
	}
	h.run(h.key("y"))
	if got := src.done(); len(got) != 3 {
		t.Fatalf("actions %v, want 3 pauses", got)
	}
	marked := h.convTab().MarkedConversations()
	// The two skipped ones stay marked (nothing was done to them), and so
	// does the failed one.
	if len(marked) != 3 || !containsConv(marked, convs[1].ID) || containsConv(marked, convs[0].ID) {
		t.Fatalf("marked after the batch: %v", marked)
	}
	if !strings.Contains(h.m.msg.text, "paused 2 of 3 conversations; 1 failed") {
		t.Fatalf("summary %q", h.m.msg.text)
	}
}

func containsConv(ids []string, id string) bool {
	for _, x := range ids {
		if strings.HasSuffix(x, id) {
			return true
		}
	}
	return false
}

// Read-only: each marked conversation's refusal is audited, nothing runs.
func TestBulkConversationReadOnly(t *testing.T) {
	var refused []Refusal
	h, src, _ := convFleet(t, true, &refused)
	h.key("*")
	h.run(h.key("D"))
	if len(refused) != 5 || len(src.done()) != 0 || h.m.confirm != nil {
		t.Fatalf("refused %d, acts %v", len(refused), src.done())
	}
}

// Titles planted with escapes and a secret reach the bulk confirmation
// clean.
func TestFaultConversationBulkConfirmationIsClean(t *testing.T) {
	h, src, _ := convFleet(t, false, nil)
	secret := "sk-ant-api03-PLANTEDsecretVALUE0123456789abcdef"
	src.mu.Lock()
	src.list[0].Title = "\x1b]52;c;aGk=\a\x1b[2Jx\u009b31m\u202e api_key=" + secret
	src.mu.Unlock()
	h.run(h.refreshConversations())
	h.key("*")
	h.key("D")
	if h.m.confirm == nil {
		t.Fatal("no confirmation")
	}
	v := h.m.confirm.View(200)
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\u009b", "\u202e", "\a", secret} {
		if strings.Contains(v, bad) {
			t.Fatalf("%q leaked into the confirmation %q", bad, v)
		}
	}
}

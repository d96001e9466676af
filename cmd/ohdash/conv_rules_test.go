package main

import (
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// The command line follows the dashboard's rule of which conversation
// actions fit which execution status: pausing, interrupting or approving
// a finished conversation is a conflict with its state (exit 1), said in
// the dashboard's words, audited as refused, and never reaches the
// agent-server (which would have answered 200 and changed nothing).
func TestConversationActionsOnAFinishedConversationAreRefused(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	convs := conversationsJSON(t, h)
	done := pick(t, convs, backend.ExecFinished)
	agent := f.agentOf(t, f.sandboxes(t)[done.SandboxID])
	cases := []struct{ verb, action, why string }{
		{"pause", guard.ConversationPause, "is finished: only a running agent can be paused"},
		{"interrupt", guard.ConversationInterrupt, "is finished: there is nothing to interrupt"},
		{"approve", guard.ConversationApprove, "is finished: there is no pending action to accept"},
		{"reject", guard.ConversationReject, "is finished: there is no pending action to reject"},
	}
	for _, c := range cases {
		r := h.must(exitFailed, "conv", c.verb, done.ID)
		if want := "conversation " + done.ID + " " + c.why; !strings.Contains(r.stderr, want) {
			t.Errorf("conv %s: stderr %q, want %q", c.verb, r.stderr, want)
		}
		if r.stdout != "" {
			t.Errorf("conv %s printed %q: the id is printed only when the action ran", c.verb, r.stdout)
		}
	}
	if got, _ := agent.Status(done.ID); got != string(backend.ExecFinished) {
		t.Fatalf("the refused actions reached the agent-server: status %s", got)
	}
	entries := readAuditLines(t, h.auditPath())
	if len(entries) != len(cases) {
		t.Fatalf("audit has %d lines, want one refusal per action (no intent: nothing ran): %+v", len(entries), entries)
	}
	for i, e := range entries {
		c := cases[i]
		if e.Action != c.action || e.Result != guard.ResultRefused || !strings.Contains(e.Error, c.why) ||
			e.Target != done.ID || e.Sandbox != done.SandboxID || e.Backend != "eval" {
			t.Errorf("audit line %d: %+v, want %s refused (%s)", i, e, c.action, c.why)
		}
	}
	// What fits is still allowed: run starts the finished agent again.
	h.must(exitOK, "conv", "run", done.ID)
}

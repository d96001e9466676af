package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/fleet"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// The conversation subcommands take several conversations: named, or
// selected with --status and --filter; what does not fit the action is
// left out and audited as refused; rm --dry-run changes nothing; rm asks
// once (or needs --yes); each id done is printed.
func TestConversationBatchSelection(t *testing.T) {
	h := newHarness(t)
	startFleetWith(t, h, fleet.Options{Runtimes: 3, Conversations: 6, Seed: 21, Pace: time.Hour})
	convs := conversationsJSON(t, h)
	count := func(st backend.ExecutionStatus) (ids []string) {
		for _, c := range convs {
			if c.ExecutionStatus == st {
				ids = append(ids, c.ID)
			}
		}
		return ids
	}
	finished := count(backend.ExecFinished)
	if len(finished) < 2 {
		t.Fatalf("the fleet has %d finished conversations, want 2 or more", len(finished))
	}

	// A selection by status: every finished conversation, dry-run first.
	r := h.must(exitOK, "conv", "rm", "--status", "finished", "--dry-run")
	if n := strings.Count(r.stdout, "would delete conversation "); n != len(finished) {
		t.Fatalf("dry run listed %d, want %d:\n%s", n, len(finished), r.stdout)
	}
	if got := conversationsJSON(t, h); len(got) != len(convs) {
		t.Fatalf("a dry run deleted %d conversations", len(convs)-len(got))
	}
	// Without a terminal and --yes it refuses, deleting nothing.
	h.must(exitUsage, "conv", "rm", "--status", "finished")
	r = h.must(exitOK, "conv", "rm", "--status", "finished", "--yes")
	gotIDs := strings.Fields(r.stdout)
	slices.Sort(gotIDs)
	slices.Sort(finished)
	if !slices.Equal(gotIDs, finished) {
		t.Fatalf("rm --status finished printed %q, want %q", gotIDs, finished)
	}
	if left := conversationsJSON(t, h); len(left) != len(convs)-len(finished) {
		t.Fatalf("%d conversations left, want %d", len(left), len(convs)-len(finished))
	}

	// Named conversations run; then a selection pauses the running ones
	// and leaves out the paused one (audited as refused).
	convs = conversationsJSON(t, h)
	paused := count(backend.ExecPaused)
	if len(paused) < 3 {
		t.Fatalf("want 3 paused conversations, have %d", len(paused))
	}
	r = h.must(exitOK, "conv", "run", paused[0], paused[1])
	if ids := strings.Fields(r.stdout); len(ids) != 2 {
		t.Fatalf("conv run of two printed %q", r.stdout)
	}
	r = h.must(exitOK, "conv", "pause", "--status", "running,paused")
	if ids := strings.Fields(r.stdout); len(ids) < 2 {
		t.Errorf("pause of the running ones printed %q", r.stdout)
	}
	if !strings.Contains(r.stderr, "left out") {
		t.Errorf("a selection with conversations that cannot be paused says nothing of them:\n%s", r.stderr)
	}
	refused := 0
	for _, e := range readAudit(t, h.auditPath()) {
		if e.Action == guard.ConversationPause && e.Result == guard.ResultRefused {
			refused++
		}
	}
	if refused == 0 {
		t.Error("the conversations left out were not audited as refused")
	}

	// Bad selections are usage errors before anything happens.
	h.must(exitUsage, "conv", "pause")
	h.must(exitUsage, "conv", "pause", "--status", "sleeping")
	r = h.must(exitOK, "conv", "rm", "--filter", "no-such-title-anywhere", "--yes")
	if r.stdout != "" || !strings.Contains(r.stderr, "no conversation") {
		t.Errorf("an empty selection: stdout %q stderr %q", r.stdout, r.stderr)
	}
}

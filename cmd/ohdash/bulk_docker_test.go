package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
	"github.com/ohdash/ohdash/ui"
)

// failOne is a real backend whose Delete of one sandbox fails (the
// container stays): one failure in the middle of a real batch.
type failOne struct {
	backend.Backend
	bad string
}

var errPlanted = errors.New("planted failure")

func (f failOne) Delete(ctx context.Context, id string) error {
	if id == f.bad {
		return fmt.Errorf("delete %s: %w", id, errPlanted)
	}
	return f.Backend.Delete(ctx, id)
}

// containersNamed counts the engine's containers whose name starts with
// prefix.
func containersNamed(t *testing.T, e *dockertest.Env, prefix string) map[string]bool {
	t.Helper()
	res, err := e.Client.ContainerList(context.Background(), client.ContainerListOptions{All: true})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, c := range res.Items {
		for _, n := range c.Names {
			if n = strings.TrimPrefix(n, "/"); strings.HasPrefix(n, prefix) {
				out[n] = true
			}
		}
	}
	return out
}

// Deleting 100 marked sandboxes in the dashboard on the real engine: 100
// results (99 deleted, the planted failure reported), 100 audited
// outcomes each after its intent, the failed row left marked.
func TestDockerDashboardDeletes100Marked(t *testing.T) {
	h, e := dockerHarness(t)
	names := e.RunN(t, 100, dockertest.RunOptions{CreateOnly: true})
	bad := names[57]
	a := h.testApp()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	raw, closers, err := buildBackends(ctx, a.cfg, a.io.getenv, a.storeNotice, a.storeUnusable)
	for _, c := range closers {
		t.Cleanup(func() { _ = c.Close() })
	}
	if err != nil || len(raw) != 1 {
		t.Fatalf("backends %v: %v", raw, err)
	}
	keys, err := a.cfg.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	cfg := a.uiConfig(backend.NewHub(a.guard.Backend(failOne{raw[0], bad})), keys)
	tm := teatest.NewTestModel(t, ui.New(ctx, cfg), teatest.WithInitialTermSize(120, 40))
	t.Cleanup(func() { _ = tm.Quit() })
	wait := func(text string, d time.Duration) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return strings.Contains(ansi.Strip(string(b)), text) },
			teatest.WithDuration(d), teatest.WithCheckInterval(20*time.Millisecond))
	}
	// The renderer writes changes only: wait for text drawn whole.
	wait("100 sandboxes", 30*time.Second)
	tm.Type("*")
	wait("100 marked", 5*time.Second)
	tm.Type("d")
	wait("delete 100 sandboxes?", 5*time.Second)
	tm.Type("y")
	wait("deleted 99 of 100 sandboxes; 1 failed (left marked)", 2*time.Minute)
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	final := ansi.Strip(tm.FinalModel(t, teatest.WithFinalTimeout(10*time.Second)).View().Content)
	if !strings.Contains(final, "1 marked") {
		t.Fatalf("the failed row must stay marked:\n%s", final)
	}

	left := containersNamed(t, e, e.V1Prefix)
	if len(left) != 1 || !left[bad] {
		t.Fatalf("containers left %v, want only %s", left, bad)
	}
	var deletes, failed int
	for _, en := range readAudit(t, h.auditPath()) {
		if en.Action != guard.SandboxDelete {
			continue
		}
		deletes++
		if en.Result != guard.ResultOK {
			failed++
			if en.Target != bad {
				t.Errorf("failure audited for %s, want %s", en.Target, bad)
			}
		}
	}
	if deletes != 100 || failed != 1 {
		t.Fatalf("audit: %d delete outcomes (%d failed), want 100 (1)", deletes, failed)
	}
}

// rm --filter selects the sandboxes the dashboard's filter shows; with
// --dry-run it only says what it would delete.
func TestDockerRmFilterAndDryRun(t *testing.T) {
	h, e := dockerHarness(t)
	names := e.RunN(t, 6, dockertest.RunOptions{CreateOnly: true})
	word := strings.TrimPrefix(names[0], e.V1Prefix)
	r := h.must(exitOK, "rm", "--filter", word, "--dry-run")
	if !strings.HasPrefix(r.stdout, "would delete "+names[0]+" (local, ") || strings.Count(r.stdout, "\n") != 1 {
		t.Fatalf("dry run said %q", r.stdout)
	}
	if got := containersNamed(t, e, e.V1Prefix); len(got) != 6 {
		t.Fatalf("a dry run changed the engine: %d left", len(got))
	}
	// Non-interactive without --yes: refused, nothing touched.
	h.must(exitUsage, "rm", "--filter", e.V1Prefix)
	// Created containers read as STARTING, then PAUSED once their grace
	// is over.
	r = h.must(exitOK, "rm", "--status", "starting,paused", "--filter", e.V1Prefix+"*", "--yes")
	if n := len(strings.Fields(r.stdout)); n != 6 {
		t.Fatalf("rm printed %d ids, want 6:\n%s", n, r.stdout)
	}
	if got := containersNamed(t, e, e.V1Prefix); len(got) != 0 {
		t.Fatalf("%d containers left", len(got))
	}
}

package main

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

func pruneJSON(t *testing.T, h *harness, want int, args ...string) map[string]pruneRow {
	t.Helper()
	r := h.must(want, append([]string{"prune", "--json"}, args...)...)
	var rows []pruneRow
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	out := map[string]pruneRow{}
	for _, row := range rows {
		out[row.ID] = row
	}
	return out
}

// prune on the real engine, with a mix of statuses and (through the
// command's clock) ages: a dry run changes nothing, --yes removes exactly
// what the policy selects, and idleness that cannot be measured keeps a
// sandbox.
func TestDockerPrunePolicy(t *testing.T) {
	h, e := dockerHarness(t)
	logs := map[string]string{"AGENTSIM_LOG_LINES": "3"} // lines to date them by
	_, running := e.Run(t, dockertest.RunOptions{Ports: []int{8000}, Env: logs})
	pausedID, paused := e.Run(t, dockertest.RunOptions{Ports: []int{8000}, Env: logs})
	_, created := e.Run(t, dockertest.RunOptions{CreateOnly: true})
	if _, err := e.Client.ContainerPause(context.Background(), pausedID, client.ContainerPauseOptions{}); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, h, running)
	// Two days from now, every sandbox is two days old.
	h.now = func() time.Time { return time.Now().Add(48 * time.Hour) }

	// Not a terminal and no --yes: a dry run, whatever is asked.
	rows := pruneJSON(t, h, exitOK, "--status", "PAUSED", "--older-than", "24h")
	if len(rows) != 3 {
		t.Fatalf("report has %d rows, want 3: %v", len(rows), rows)
	}
	p := rows[paused]
	if p.Action != "delete" || p.Result != "would delete" || p.Status != "PAUSED" || p.Age == nil || *p.Age < 47*3600 || p.Backend != "local" {
		t.Fatalf("paused row %+v", p)
	}
	if r := rows[running]; r.Action != "keep" || r.Result != "kept" || !strings.Contains(r.Reason, "status RUNNING not selected") {
		t.Fatalf("running row %+v", r)
	}
	if got := containersNamed(t, e, e.V1Prefix); len(got) != 3 {
		t.Fatalf("a dry run changed the engine: %v", got)
	}

	// Today, nothing is a day old.
	h.now = nil
	for id, r := range pruneJSON(t, h, exitOK, "--older-than", "24h") {
		if r.Action != "keep" || !strings.Contains(r.Reason, "younger than") {
			t.Fatalf("%s: %+v", id, r)
		}
	}

	// Idleness: the running and the paused one have log lines to date
	// them; the created one has none, so it is kept and the report says
	// why.
	h.now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	rows = pruneJSON(t, h, exitOK, "--idle", "1h", "--dry-run")
	if r := rows[running]; r.Action != "delete" || r.Idle == nil || *r.Idle < 47*3600 {
		t.Fatalf("running row %+v", r)
	}
	if r := rows[created]; r.Action != "keep" || r.Idle != nil || !strings.Contains(r.Reason, "idleness cannot be measured") {
		t.Fatalf("created row %+v", r)
	}

	// --yes acts: only the paused sandbox goes; the audit has it.
	rows = pruneJSON(t, h, exitOK, "--status", "PAUSED", "--older-than", "24h", "--yes")
	if r := rows[paused]; r.Result != "deleted" {
		t.Fatalf("paused row %+v", r)
	}
	left := containersNamed(t, e, e.V1Prefix)
	if len(left) != 2 || left[paused] || !left[running] || !left[created] {
		t.Fatalf("left %v", left)
	}
	var audited int
	for _, en := range readAudit(t, h.auditPath()) {
		if en.Target == paused && en.Result == "ok" {
			audited++
		}
	}
	if audited != 1 {
		t.Fatalf("the delete is audited %d times", audited)
	}

	// Read-only: refused (audited), nothing removed, exit 1.
	r := h.must(exitFailed, "prune", "--older-than", "24h", "--yes", "--readonly")
	if !strings.Contains(r.stdout, "failed") {
		t.Fatalf("read-only report:\n%s\n%s", r.stdout, r.stderr)
	}
	if got := containersNamed(t, e, e.V1Prefix); len(got) != 2 {
		t.Fatalf("read-only prune removed something: %v", got)
	}
}

// prune without any rule is a usage error, never "everything".
func TestPruneNeedsARule(t *testing.T) {
	h := newHarness(t)
	h.writeConfig("docker = []\n")
	r := h.must(exitUsage, "prune")
	if !strings.Contains(r.stderr, "--status, --older-than, --idle") {
		t.Fatalf("stderr %q", r.stderr)
	}
	h.must(exitUsage, "prune", "--older-than", "1h", "--action", "stop")
}

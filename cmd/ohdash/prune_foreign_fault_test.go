package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// TestFaultPruneForeignContainers: on the real engine, containers that
// only look like sandboxes — the prefix inside the name, not at its
// start, or the bare prefix — are never touched by a prune that selects
// everything, nor by rm's selection or by name; the real sandbox beside
// them is.
func TestFaultPruneForeignContainers(t *testing.T) {
	h, e := dockerHarness(t)
	foreign := []string{"myapp-" + e.V1Prefix + "x", "x" + e.V1Prefix + "y"}
	for _, n := range foreign {
		e.Run(t, dockertest.RunOptions{Name: n, CreateOnly: true})
	}
	_, real := e.Run(t, dockertest.RunOptions{CreateOnly: true})
	h.now = func() time.Time { return time.Now().Add(48 * time.Hour) }

	rows := pruneJSON(t, h, exitOK, "--older-than", "1s", "--yes")
	for _, n := range foreign {
		if _, listed := rows[n]; listed {
			t.Errorf("prune reported the foreign container %s: %+v", n, rows[n])
		}
	}
	if r := rows[real]; r.Result != "deleted" {
		t.Fatalf("the real sandbox: %+v", r)
	}
	h.must(exitOK, "rm", "--filter", "*"+e.V1Prefix+"*", "--yes")
	for _, args := range [][]string{{"rm", foreign[0], "--yes"}, {"pause", foreign[1]}, {"rm", "--filter", "myapp", "--yes"}} {
		if r := h.run(args...); r.code == exitOK && strings.TrimSpace(r.stdout) != "" {
			t.Errorf("%v acted: %s", args, r.stdout)
		}
	}
	left := containersNamed(t, e, "")
	for _, n := range foreign {
		if !left[n] {
			t.Errorf("the foreign container %s was removed", n)
		}
	}
	if left[real] {
		t.Errorf("the real sandbox is still there")
	}
	for _, en := range readAudit(t, h.auditPath()) {
		if strings.HasPrefix(en.Target, "myapp-") || strings.HasPrefix(en.Target, "x"+e.V1Prefix) {
			t.Errorf("audit names a foreign container: %+v", en)
		}
	}
}

// TestFaultPruneJSONOnATerminal: `prune --json` on a terminal shows the
// preview and asks; stdout must still be exactly the JSON report (the
// preview table went to stdout before it, so `| jq` broke), and "no"
// changes nothing.
func TestFaultPruneJSONOnATerminal(t *testing.T) {
	h, e := dockerHarness(t)
	_, name := e.Run(t, dockertest.RunOptions{CreateOnly: true})
	h.now = func() time.Time { return time.Now().Add(48 * time.Hour) }
	h.tty, h.stdin = true, "n\n"
	rows := pruneJSON(t, h, exitOK, "--older-than", "1s")
	if r := rows[name]; r.Result != "would delete" {
		t.Fatalf("row %+v", r)
	}
	if !containersNamed(t, e, e.V1Prefix)[name] {
		t.Fatal("answering no removed the sandbox")
	}
}

package main

import (
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// A start whose image is not there and cannot be pulled fails with exit 1
// (3 is "no such sandbox"), the whole reason, and the fix.
func TestDockerStartMissingImageNamesTheFix(t *testing.T) {
	h, _ := dockerHarness(t)
	r := h.must(exitFailed, "start", "--image", "ohdash-test-missing.invalid/nope:1")
	for _, want := range []string{"ohdash-test-missing.invalid/nope:1", "image not available", "pulling it failed", "--image IMAGE", `image = "IMAGE"`, "ohdash sim up"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, r.stderr)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout: %q, want nothing", r.stdout)
	}
}

// sim up builds the emulator image and starts labelled sandboxes the list
// shows as simulated; sim down removes those and nothing else.
func TestDockerSimUpAndDown(t *testing.T) {
	h, e := dockerHarness(t)
	_, real := e.Run(t, dockertest.RunOptions{Ports: []int{8000}})
	h.must(exitUsage, "sim", "up", "--sandboxes", "0")
	h.must(exitFailed, "sim", "up", "--readonly")
	r := h.must(exitOK, "sim", "up", "--sandboxes", "2")
	ids := strings.Fields(r.stdout)
	if len(ids) != 2 {
		t.Fatalf("sim up printed %q, want 2 ids\n%s", r.stdout, r.stderr)
	}
	if !strings.Contains(r.stderr, "ohdash sim down") {
		t.Errorf("sim up does not say how to remove them:\n%s", r.stderr)
	}
	rows := lsJSON(t, h)
	for _, id := range ids {
		if !strings.HasPrefix(id, e.V1Prefix) {
			t.Errorf("%s is not named with the configured prefix", id)
		}
		if got := rows[id].SandboxSpecID; got != simSpecID {
			t.Errorf("%s: spec %q, want %q", id, got, simSpecID)
		}
	}
	waitHealthy(t, h, ids[0])
	dry := h.must(exitOK, "sim", "down", "--dry-run")
	if n := strings.Count(dry.stdout, "would remove "); n != 2 || len(lsJSON(t, h)) != 3 {
		t.Errorf("sim down --dry-run: %q, and it must change nothing", dry.stdout)
	}
	down := h.must(exitOK, "sim", "down")
	if got := strings.Fields(down.stdout); len(got) != 2 {
		t.Errorf("sim down removed %q, want the 2 simulated ones", got)
	}
	rows = lsJSON(t, h)
	if _, ok := rows[real]; !ok || len(rows) != 1 {
		t.Errorf("after sim down: %v, want only the real sandbox %s", rows, real)
	}
}

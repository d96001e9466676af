package main

import (
	"strings"
	"testing"
)

// TestFaultEventsNegativeTail: `events --tail -1` is a usage error (exit
// 2), as `logs --tail -5` is, refused before anything is asked; it was
// taken silently for "all".
func TestFaultEventsNegativeTail(t *testing.T) {
	h := newHarness(t)
	h.writeConfig("docker = []\n")
	for _, v := range []string{"-1", "-100"} {
		r := h.run("events", "--tail", v, "5a1e0c3d")
		if r.code != exitUsage || !strings.Contains(r.stderr, "--tail") {
			t.Errorf("--tail %s: exit %d, stderr %q; want %d naming --tail", v, r.code, r.stderr, exitUsage)
		}
	}
}

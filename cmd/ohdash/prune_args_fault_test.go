package main

import (
	"strings"
	"testing"
)

// TestFaultPruneBadDurations: a negative, garbage or overflowing
// --older-than or --idle is a usage error (exit 2), never a rule quietly
// dropped — "--status PAUSED --older-than -24h" must not mean "every
// paused sandbox".
func TestFaultPruneBadDurations(t *testing.T) {
	h := newHarness(t)
	h.writeConfig("docker = []\n")
	for _, args := range [][]string{
		{"--status", "PAUSED", "--older-than", "-24h"},
		{"--status", "PAUSED", "--idle", "-1s"},
		{"--older-than", "-1h"},
		{"--older-than", "abc"},
		{"--older-than", "99999999999h"},
		{"--idle", "1e400h"},
		{"--status", "PAUSED", "--action", "explode"},
		{"--status", "BOGUS"},
	} {
		r := h.must(exitUsage, append([]string{"prune", "--yes"}, args...)...)
		if strings.Contains(r.stdout, "delete") {
			t.Errorf("%v: acted or reported: %s", args, r.stdout)
		}
	}
}

package main

import (
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// `ohdash events` lines its summaries up: the source column is as wide as
// the longest source ("environment"), not six cells that "environment"
// overflows.
func TestEventsSummariesLineUp(t *testing.T) {
	h := newHarness(t)
	startFleet(t, h, 3)
	c := pick(t, conversationsJSON(t, h), backend.ExecFinished)
	out := h.must(exitOK, "events", "--all", c.ID).stdout
	const at = len("15:04:05 ! ") // where the source starts
	seen := map[string]int{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if len(line) <= at+sourceWidth+1 {
			t.Fatalf("short line %q", line)
		}
		src := strings.TrimRight(line[at:at+sourceWidth], " ")
		switch src {
		case "user", "agent", "environment", "hook":
		default:
			t.Fatalf("the source column holds %q, not a source: summaries are out of line\n%s", src, out)
		}
		if line[at+sourceWidth] != ' ' || line[at+sourceWidth+1] == ' ' {
			t.Fatalf("the summary does not start at column %d: %q", at+sourceWidth+1, line)
		}
		seen[src]++
	}
	if seen["environment"] == 0 || len(seen) < 2 {
		t.Fatalf("want lines from the environment and another source, got %v\n%s", seen, out)
	}
}

func TestSourceColumn(t *testing.T) {
	for in, want := range map[string]string{
		"user": "user       ", "environment": "environment", "a-newer-longer-source": "a-newer-lo…",
	} {
		if got := sourceColumn(in); got != want {
			t.Errorf("sourceColumn(%q) = %q, want %q", in, got, want)
		}
	}
}

package main

import (
	"errors"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
)

// A sandbox is found by the start of its id after the configured prefix
// (what the table shows and people copy), not only by the start or end of
// the whole container name; a miss names the close ones; an ambiguity is
// counted in good English.
func TestSandboxShortIDMatchingAndDidYouMean(t *testing.T) {
	sbs := []backend.Sandbox{
		{ID: "oh-agent-server-4YT6kq9ZrT1bVw7YcLm2Nf", Prefix: "oh-agent-server-", Source: "docker"},
		{ID: "oh-agent-server-9pQwXe3Rt5Yu7Io1Pa2Sd4", Prefix: "oh-agent-server-", Source: "docker"},
		{ID: "oh-agent-server-9pQzZz0Aa1Bb2Cc3Dd4Ee5", Prefix: "oh-agent-server-", Source: "docker"},
	}
	fb := fake.New("docker", sbs...)
	r := &resolver{listings: []listing{{backend: fb, sandboxes: sbs}}}

	for typed, want := range map[string]string{
		"4YT6":                 sbs[0].ID, // the start of the short id
		"Lm2Nf":                sbs[0].ID, // the end, as before
		"oh-agent-server-9pQw": sbs[1].ID, // the start of the full name, as before
		sbs[2].ID:              sbs[2].ID,
	} {
		f, err := r.find(typed)
		if err != nil || f.sandbox.ID != want {
			t.Errorf("find(%q) = %q, %v; want %q", typed, f.sandbox.ID, err, want)
		}
	}

	_, err := r.find("4YT7")
	if !errors.Is(err, backend.ErrNotFound) || exitCode(err) != exitNotFound {
		t.Fatalf("find(4YT7): %v, want not found (exit 3)", err)
	}
	if !strings.Contains(err.Error(), "did you mean docker/"+sbs[0].ID+"?") {
		t.Errorf("a near miss does not name the close sandbox: %v", err)
	}
	if _, err := r.find("zzzzzz"); err == nil || strings.Contains(err.Error(), "did you mean") {
		t.Errorf("nothing is close to zzzzzz, yet: %v", err)
	}

	_, err = r.find("9pQ")
	if exitCode(err) != exitUsage || !strings.Contains(err.Error(), `"9pQ" matches 2 sandboxes:`) {
		t.Errorf("an ambiguous short id: %v (exit %d), want a usage error counting 2 sandboxes", err, exitCode(err))
	}
}

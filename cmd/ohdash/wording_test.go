package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// The small things a new user trips over on the command line (issue 12
// item 10): each is answered the way the README says.
func TestCommandLineWording(t *testing.T) {
	h := newHarness(t)

	var v map[string]any
	if err := json.Unmarshal([]byte(h.must(exitOK, "version", "--json").stdout), &v); err != nil {
		t.Fatal(err)
	}
	if _, ok := v["modified"]; !ok {
		t.Errorf("version --json lacks the stable field modified: %v", v)
	}
	if r := h.must(exitOK, "--version"); !strings.HasPrefix(r.stdout, "ohdash ") {
		t.Errorf("--version printed %q", r.stdout)
	}

	for args, want := range map[string]string{
		"lss":       "did you mean 'ls'?",
		"conv paus": "did you mean 'pause'?",
		"comp":      "did you mean 'completion'?",
	} {
		if r := h.must(exitUsage, strings.Fields(args)...); !strings.Contains(r.stderr, want) {
			t.Errorf("ohdash %s: %q lacks %q", args, r.stderr, want)
		}
	}
	if r := h.must(exitUsage, "xyzzy"); strings.Contains(r.stderr, "did you mean") {
		t.Errorf("nothing is close to xyzzy: %q", r.stderr)
	}

	for _, bad := range [][]string{{"--sandboxes", "0"}, {"--sandboxes", "-5"}, {"--pace", "-1s"}} {
		r := h.must(exitUsage, append([]string{"demo"}, bad...)...)
		if !strings.Contains(r.stderr, bad[0]) {
			t.Errorf("demo %v: %q does not name the flag", bad, r.stderr)
		}
	}
	help := h.must(exitOK, "demo", "--help").stdout
	for _, line := range strings.Split(help, "\n") {
		if strings.Contains(line, "--pace") && strings.Count(line, "(default") != 1 {
			t.Errorf("the --pace line gives its default other than once: %q", line)
		}
	}
}

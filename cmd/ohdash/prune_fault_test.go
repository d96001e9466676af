package main

import (
	"strings"
	"testing"
)

// plantedSecret is a credential planted in a sandbox name.
const plantedSecret = "sk-planted-prune-0123456789abcdef"

// TestFaultPruneAndSelectionOutputs: names carrying escapes, C1, bidi and
// a credential reach prune's report (plain, JSON, dry run) and the
// selection dry runs of rm as nothing a terminal acts on, the credential
// masked.
func TestFaultPruneAndSelectionOutputs(t *testing.T) {
	runtimes := `{"runtimes":[` +
		`{"runtime_id":"rt-0","session_id":"goodsession1","status":"running","pod_status":"ready","url":"http://127.0.0.1:1/rt-0"},` +
		`{"runtime_id":"rt-1","session_id":"evil\u001b]52;c;cHduZWQ=\u0007\u001b[2J\u009b31m\u202e api_key=` + plantedSecret + `","status":"running","pod_status":"ready"},` +
		`{"runtime_id":"rt-2","session_id":"evil2\u001b]0;pwned\u0007 SESSION_API_KEY=` + plantedSecret + `","status":"paused","pod_status":"ready"}]}`
	api := fakeRuntimeAPI(t, runtimes, "boom "+"\u009b2J \u202eevil\u202c \x1b]0;pwned\x07 api_key="+plantedSecret)
	h := newHarness(t)
	h.writeConfig(`docker = []
[[remote]]
name = "evil"
url = "` + api.URL + `"
api_key = "runtime-key-0123456789"
`)
	var text, js []output
	text = append(text, captureRun(h, "prune", "--status", "RUNNING,PAUSED")...)
	text = append(text, captureRun(h, "prune", "--status", "RUNNING", "--dry-run")...)
	text = append(text, captureRun(h, "prune", "--idle", "1h", "--yes")...)
	text = append(text, captureRun(h, "rm", "--filter", "evil", "--dry-run")...)
	text = append(text, captureRun(h, "pause", "--status", "RUNNING")...)
	js = append(js, captureRun(h, "prune", "--status", "RUNNING,PAUSED", "--json")...)
	checkTerminalSafe(t, text)
	checkTerminalSafe(t, js)
	checkNoLeaks(t, append(text, js...), []string{plantedSecret})
	// stdout drops the payloads whole (stderr may quote a refused id with
	// %q: ASCII, escaped, checked terminal-safe above).
	for _, o := range text {
		if !strings.HasSuffix(o.path, "(stdout)") {
			continue
		}
		for _, m := range escapeMarkers {
			if containsAll(string(o.data), m) {
				t.Errorf("%s keeps the payload %q", o.path, m)
			}
		}
	}
	// The hostile ids are refused by the backend (a partial listing, exit
	// 5); the good one is reported, kept: a remote sandbox has no name
	// prefix to prove it is one.
	r := h.must(exitPartial, "prune", "--status", "RUNNING,PAUSED")
	if !containsAll(r.stdout, "kept", "goodsession1", "no known sandbox prefix") {
		t.Fatalf("report:\n%s", r.stdout)
	}
	r = h.must(exitPartial, "rm", "--filter", "good", "--dry-run")
	if strings.TrimSpace(r.stdout) != "would delete goodsession1 (evil, RUNNING)" {
		t.Fatalf("dry run:\n%s", r.stdout)
	}
}

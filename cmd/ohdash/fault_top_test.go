package main

import (
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// The escape corpus and a session key, planted in a real sandbox's labels,
// command and environment and in a runtime API's ids and error bodies,
// come out of top and ls --stats (tables, JSON, NDJSON, the redrawn
// terminal view, stderr) as nothing a terminal acts on, and the key not at
// all. On a terminal the only control sequences are top's own four.
func TestFaultTopEscapes(t *testing.T) {
	h, e := dockerHarness(t)
	api := hostileRuntimeAPI(t)
	h.writeConfig(`[[docker]]
name = "local"
v1_prefixes = ["` + e.V1Prefix + `"]
[[remote]]
name = "evil"
url = "` + api.URL + `"
api_key = "runtime-key-0123456789"
`)
	const sessionKey = "sk-planted-0123456789abcdef"
	_, name := e.Run(t, dockertest.RunOptions{
		Env:    map[string]string{"OH_SESSION_API_KEYS_0": sessionKey, "PLANTED": escapeCorpus},
		Labels: map[string]string{"sandbox_spec_id": "spec" + escapeCorpus, "note": escapeCorpus},
		Cmd:    []string{"--port", "8000", "--model", "model" + escapeCorpus},
	})
	var text, js []output
	text = append(text, captureRun(h, "top", "--no-stream")...)
	text = append(text, captureRun(h, "ls", "--stats")...)
	js = append(js, captureRun(h, "top", "--no-stream", "--json")...)
	js = append(js, captureRun(h, "ls", "--stats", "--json")...)
	r := h.runFor(1800*time.Millisecond, "top", "--json", "--interval", "300ms")
	js = append(js, output{path: "top --json (stdout)", data: []byte(r.stdout)}, output{path: "top --json (stderr)", data: []byte(r.stderr)})
	h.tty = true
	r = h.runFor(1800*time.Millisecond, "top", "--interval", "300ms")
	h.tty = false
	if !strings.Contains(r.stdout, name) || !strings.Contains(r.stdout, "goodsession1") {
		t.Fatalf("top on a terminal shows neither sandbox:\n%q", r.stdout)
	}
	own := strings.NewReplacer(ansiClearAll, "", ansiHome, "", ansiClearLine, "", ansiClearDown, "")
	text = append(text, output{path: "top on a terminal (stdout, top's own controls removed)", data: []byte(own.Replace(r.stdout))},
		output{path: "top on a terminal (stderr)", data: []byte(r.stderr)})

	checkTerminalSafe(t, text)
	checkTerminalSafe(t, js)
	var shown []output
	for _, o := range text {
		if !strings.HasSuffix(o.path, "(stderr)") {
			shown = append(shown, o)
		}
	}
	checkNoLeaks(t, shown, escapeMarkers)
	checkNoLeaks(t, append(text, js...), []string{sessionKey, "runtime-key-0123456789"})
	for _, o := range text[:1] {
		if !strings.Contains(string(o.data), name) {
			t.Errorf("%s does not list the planted sandbox:\n%s", o.path, o.data)
		}
	}
}

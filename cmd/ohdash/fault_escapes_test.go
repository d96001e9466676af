package main

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// escapeCorpus is planted text: OSC 0 (title), OSC 8 (hyperlink), OSC 52
// (clipboard), CSI clear screen and cursor moves, DCS, APC, C1 CSI as a
// raw byte and as a UTF-8 rune, a bidi override, invalid UTF-8 and BEL.
const escapeCorpus = "\x1b]0;pwned\x07\x1b]8;;http://evil.example/\x1b\\link\x1b]8;;\x1b\\" +
	"\x1b]52;c;cHduZWQ=\x07\x1b[2J\x1b[H\x1b[10A\x1bPdcs-payload\x1b\\\x1b_apc-payload\x1b\\" +
	"\x9b2J\u009b2J\u202eevil\x07\xff"

// escapeMarkers are payloads that must not survive in text output.
var escapeMarkers = []string{"pwned", "cHduZWQ=", "evil.example", "dcs-payload", "apc-payload"}

// A hostile runtime API: a session id carrying OSC 52 and a clear-screen,
// a runtime id with a bidi override, and error bodies with C1, bidi and
// escape sequences.
func hostileRuntimeAPI(t *testing.T) *httptest.Server {
	t.Helper()
	runtimes := `{"runtimes":[` +
		`{"runtime_id":"rt-good","session_id":"goodsession1","status":"running","pod_status":"ready","url":"http://127.0.0.1:1/rt-good"},` +
		`{"runtime_id":"rt-2","session_id":"evil\u001b]52;c;cHduZWQ=\u0007\u001b[2J","status":"running","pod_status":"ready"},` +
		`{"runtime_id":"rt\u202e3","session_id":"good3","status":"running","pod_status":"ready"}]}`
	return fakeRuntimeAPI(t, runtimes, "boom "+"\u009b2J \u202eevil\u202c \x1b]0;pwned\x07 \xc2\x9b")
}

// fakeRuntimeAPI is a runtime API that lists runtimes (JSON) and answers
// every other call with HTTP 500 and detail as its FastAPI error.
func fakeRuntimeAPI(t *testing.T, runtimes, detail string) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/list":
			_, _ = w.Write([]byte(runtimes))
		case "/sessions/batch":
			_, _ = w.Write([]byte(`[]`))
		default:
			w.WriteHeader(http.StatusInternalServerError)
			_, _ = w.Write([]byte(`{"detail":"` + detail + `"}`))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

// The corpus, planted in a real container's labels and command, in agent
// output (agentsim --hostile), and in a runtime API's ids and error bodies,
// comes out of no output path as something a terminal acts on: ls, ls
// --json, ls -q, convs, events, events --json, completion, errors, the
// dashboard, the log file, the audit log and the state file.
func TestFaultPlantedEscapes(t *testing.T) {
	h, e := dockerHarness(t)
	api := hostileRuntimeAPI(t)
	logFile := filepath.Join(h.home, "logs", "ohdash.log")
	h.writeConfig(`log_file = "` + logFile + `"
log_level = "debug"
[[docker]]
name = "local"
v1_prefixes = ["` + e.V1Prefix + `"]
v0_prefixes = ["` + e.V0Prefix + `"]
[[remote]]
name = "evil"
url = "` + api.URL + `"
api_key = "runtime-key-0123456789"
`)
	const convID = "6b2f1d4e-8c3a-4d22-ab1f-4a7d3e9c0f21"
	_, name := e.Run(t, dockertest.RunOptions{
		Ports: []int{8000},
		Env: map[string]string{
			"AGENTSIM_HOSTILE": "true", "AGENTSIM_SEED_CONVERSATIONS": "1", "AGENTSIM_SEED_ID": convID,
			"AGENTSIM_SEED_STATUS": "finished", "PLANTED": escapeCorpus,
		},
		Labels: map[string]string{"sandbox_spec_id": "spec" + escapeCorpus, "note": escapeCorpus},
		Cmd:    []string{"--port", "8000", "--model", "model" + escapeCorpus},
	})
	waitFor(t, 30e9, name+" to be healthy", func() bool {
		r := h.run("ls", "--json", "--backend", "local")
		return r.code == exitOK && containsAll(r.stdout, name, `"health": "ok"`)
	})

	var text, js []output
	text = append(text, captureRun(h, "ls")...)
	text = append(text, captureRun(h, "ls", "--quiet")...)
	text = append(text, captureRun(h, "convs", "--backend", "local")...)
	text = append(text, captureRun(h, "events", convID)...)
	text = append(text, captureRun(h, "__complete", "sandbox")...)
	text = append(text, captureRun(h, "__complete", "conversation")...)
	text = append(text, captureRun(h, "pause", "--backend", "evil", "goodsession1")...)
	text = append(text, captureRun(h, "pause", name)...)
	text = append(text, captureRun(h, "resume", name)...)
	text = append(text, captureRun(h, "logs", name)...)
	js = append(js, captureRun(h, "ls", "--json")...)
	js = append(js, captureRun(h, "convs", "--json", "--backend", "local")...)
	js = append(js, captureRun(h, "events", "--json", convID)...)
	js = append(js, captureFiles(t, filepath.Dir(logFile))...)
	for _, o := range captureFiles(t, filepath.Dir(h.auditPath())) {
		if !strings.HasSuffix(o.path, ".db") { // the state file is binary and never printed
			js = append(js, o)
		}
	}
	dash := captureDetails(t, h, name, "Environment", "--backend", "local")

	checkTerminalSafe(t, text)
	checkTerminalSafe(t, js)
	checkTerminalSafe(t, dash)
	// Text on stdout and the dashboard drop the payloads whole; JSON keeps
	// them escaped (scripts see the data), as do errors that quote a
	// refused id (%q, ASCII only); the state file keeps no hostile id.
	var shown []output
	for _, o := range append(text, dash...) {
		if !strings.HasSuffix(o.path, "(stderr)") {
			shown = append(shown, o)
		}
	}
	checkNoLeaks(t, shown, escapeMarkers)
	for _, o := range captureFiles(t, filepath.Dir(h.auditPath())) {
		if strings.HasSuffix(o.path, ".db") && strings.Contains(string(o.data), "cHduZWQ=") {
			t.Errorf("the state file %s stored the hostile session id", o.path)
		}
	}
	// The refused runtimes are reported, the plausible ones still listed,
	// and the exit code says the list is partial.
	r := h.run("ls", "--backend", "evil")
	if strings.Contains(r.stdout, "cHduZWQ=") || strings.ContainsRune(r.stdout, 0x1b) || !strings.Contains(r.stdout, "goodsession1") ||
		!strings.Contains(r.stderr, "not a remote sandbox id") || r.code != 5 {
		t.Errorf("ls --backend evil: exit %d\nstdout %q\nstderr %q", r.code, r.stdout, r.stderr)
	}
}

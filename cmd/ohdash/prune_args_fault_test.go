package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
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

// TestFaultBlankSelection: `pause --filter " "` (a script's empty
// variable, quoted) would match every sandbox; it is a usage error and
// nothing is asked of the backend beyond nothing at all.
func TestFaultBlankSelection(t *testing.T) {
	var acted atomic.Int32
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/list":
			_, _ = w.Write([]byte(`{"runtimes":[{"runtime_id":"rt-0","session_id":"s0","status":"running","pod_status":"ready"}]}`))
		case "/sessions/batch":
			_, _ = w.Write([]byte(`[]`))
		default:
			acted.Add(1)
			_, _ = w.Write([]byte(`{}`))
		}
	}))
	t.Cleanup(api.Close)
	h := newHarness(t)
	h.writeConfig("docker = []\n[[remote]]\nname = \"r\"\nurl = \"" + api.URL + "\"\napi_key = \"runtime-key-0123456789\"\n")
	for _, args := range [][]string{
		{"pause", "--filter", " "},
		{"resume", "--filter", "\t"},
		{"rm", "--filter", "  ", "--yes"},
		{"rm", "--status", " , ", "--yes"},
	} {
		h.must(exitUsage, args...)
	}
	if n := acted.Load(); n != 0 {
		t.Fatalf("%d lifecycle requests reached the backend", n)
	}
}

package main

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/faults"
)

// --since takes what docker logs takes: a duration back from now, an RFC
// 3339 time or Unix seconds ("0" is the epoch, not "now"); anything out of
// range is a usage error, never a wrap-around that prints everything.
func TestLogsSince(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	good := map[string]time.Time{
		"0":                    time.Unix(0, 0),
		"1700000000":           time.Unix(1700000000, 0),
		"1700000000.25":        time.Unix(1700000000, 250_000_000),
		"1700000000.123456789": time.Unix(1700000000, 123456789),
		"10m":                  now.Add(-10 * time.Minute),
		"1h30m":                now.Add(-90 * time.Minute),
		"0s":                   now,
		"2026-04-30T10:00:00Z": time.Date(2026, 4, 30, 10, 0, 0, 0, time.UTC),
		"253402300799":         time.Unix(253402300799, 0), // the last second of 9999
		"10":                   time.Unix(10, 0),
		"1000000h":             time.Unix(0, 0), // before 1970: no log is older
		"1960-01-01T00:00:00Z": time.Unix(0, 0),
	}
	for in, want := range good {
		got, err := parseSince(in, now)
		if err != nil || !got.Equal(want) {
			t.Errorf("--since %s = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{
		"99999999999999999999", "1e18", "+Inf", "-Inf", "Inf", "NaN", "-5", "-10m", "-0.5",
		"253402300800", "1.5e3", "0x10", "1700000000.1234567891", "1.", ".5", "abc", " 10m",
		"9999999999999999h",
	} {
		if got, err := parseSince(in, now); err == nil {
			t.Errorf("--since %s accepted as %v", in, got)
		} else if exitCode(err) != exitUsage {
			t.Errorf("--since %s: %v is not a usage error", in, err)
		}
	}
	if _, err := parseSince(strings.Repeat("9", 10000), now); err == nil || len(err.Error()) > 200 {
		t.Errorf("a 10,000-digit --since: %.200v", err)
	}
}

// DOCKER_HOST pointing at a web server: every command says the server is
// not a Docker engine, once, in a line or two, and exits 4 (the backend
// cannot be reached), not 3 (a page's 404 is not "no such sandbox").
func TestNotADockerEngineCLI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte("<!DOCTYPE HTML><html><head><title>Error response</title></head><body>" +
			strings.Repeat("<p>Nothing matches the given URI.</p>\n", 500) + "</body></html>"))
	}))
	t.Cleanup(srv.Close)
	h := newHarness(t)
	h.env["DOCKER_HOST"] = "tcp://" + srv.Listener.Addr().String()
	h.writeConfig("[[docker]]\nname = \"local\"\n")
	for _, args := range [][]string{
		{"ls"}, {"ls", "--json"}, {"logs", "oh-agent-server-x"}, {"pause", "oh-agent-server-x"}, {"convs"},
	} {
		r := h.run(args...)
		if r.code != exitUnreachable {
			t.Errorf("%v: exit %d, want %d\n%s", args, r.code, exitUnreachable, r.stderr)
		}
		if n := strings.Count(r.stderr, "is not a Docker engine"); n != 1 {
			t.Errorf("%v: said %d times that the server is not a Docker engine:\n%s", args, n, r.stderr)
		}
		if strings.Contains(r.stderr, "<") || len(r.stderr) > 400 {
			t.Errorf("%v: the page is relayed (%d bytes): %.300q", args, len(r.stderr), r.stderr)
		}
	}
}

// A 10,000-character or hostile argument where a sandbox or conversation
// is expected is refused before anything is asked, in one short line that
// quotes a short, escaped prefix.
func TestImplausibleArgumentsRefused(t *testing.T) {
	h := newHarness(t)
	startFleet(t, h, 2)
	long := strings.Repeat("a", 10000)
	hostile := "oh-\x1b]0;pwned\x07\u202e\u009b2J"
	for _, arg := range []string{long, hostile, "", "a b", "eval/" + long, strings.Repeat("é", 100) + "/x"} {
		for _, args := range [][]string{
			{"logs", arg}, {"pause", arg}, {"resume", "x", arg}, {"rm", "--yes", arg}, {"convs", arg},
			{"events", arg}, {"events", "abc", "--sandbox", arg}, {"send", arg, "hi"},
			{"conv", "pause", arg}, {"conv", "rm", "--yes", "abc", "--sandbox", arg},
		} {
			if arg == "" && (args[0] == "convs" || args[len(args)-2] == "--sandbox") {
				continue // "" means every sandbox there
			}
			r := h.run(args...)
			name := strings.Join(args[:len(args)-1], " ")
			if r.code != exitUsage {
				t.Errorf("%s %.20q: exit %d, want %d\n%.300s", name, arg, r.code, exitUsage, r.stderr)
			}
			if lines := strings.Count(r.stderr, "\n"); lines != 1 || len(r.stderr) > 200 {
				t.Errorf("%s %.20q: %d lines, %d bytes on stderr: %.300q", name, arg, lines, len(r.stderr), r.stderr)
			}
			if strings.Contains(r.stderr, strings.Repeat("a", 100)) || strings.ContainsAny(r.stderr, "\x1b\x07\u202e\u009b") {
				t.Errorf("%s: the argument is echoed raw: %.300q", name, r.stderr)
			}
			if r.stdout != "" {
				t.Errorf("%s: printed %q", name, r.stdout)
			}
		}
	}
	// What a real id looks like still works.
	h.must(exitNotFound, "logs", "eval/oh-agent-server-0123456789abcdefABCDEF_.-")
}

// Every error is printed once: commands that report failures one by one
// (pause, resume, rm, convs) do not have main print them again.
func TestErrorsPrintedOnce(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 4)
	running := f.withStatus(t, backend.StatusRunning)
	paused := f.withStatus(t, backend.StatusPaused)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"pause", running, "--readonly"}, exitFailed, "read-only"},
		{[]string{"resume", paused, "--readonly"}, exitFailed, "read-only"},
		{[]string{"rm", "--yes", running, "--readonly"}, exitFailed, "read-only"},
		{[]string{"pause", "missing-sandbox"}, exitNotFound, "missing-sandbox"},
		{[]string{"resume", "missing-sandbox"}, exitNotFound, "missing-sandbox"},
		{[]string{"rm", "--yes", "missing-sandbox"}, exitNotFound, "missing-sandbox"},
		{[]string{"logs", "missing-sandbox"}, exitNotFound, "missing-sandbox"},
		{[]string{"events", "0123abcd"}, exitNotFound, "0123abcd"},
	} {
		r := h.run(c.args...)
		if r.code != c.code {
			t.Errorf("%v: exit %d, want %d\n%s", c.args, r.code, c.code, r.stderr)
		}
		if n := strings.Count(r.stderr, c.msg); n != 1 {
			t.Errorf("%v: %q appears %d times on stderr:\n%s", c.args, c.msg, n, r.stderr)
		}
	}
	// convs with one agent-server failing every request.
	agent := f.agentOf(t, f.sandboxes(t)[running])
	if err := agent.SetFaults(faults.Config{ErrorRate: 1}); err != nil {
		t.Fatal(err)
	}
	r := h.run("convs")
	if r.code == exitOK {
		t.Errorf("convs with a failing agent-server: exit 0\n%s", r.stderr)
	}
	if n := strings.Count(r.stderr, running); n != 1 {
		t.Errorf("convs: the failing sandbox %s is named %d times on stderr:\n%s", running, n, r.stderr)
	}
}

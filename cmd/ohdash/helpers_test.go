package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote"
	"github.com/ohdash/ohdash/backend/sim/fleet"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// result is what one ohdash invocation did.
type result struct {
	code           int
	stdout, stderr string
}

// harness runs ohdash in-process with a private home: its own config and
// state directories, an environment of its own, no terminal.
type harness struct {
	t    *testing.T
	home string
	env  map[string]string
	// stdin feeds the command; tty makes stdin and stdout terminals.
	stdin string
	tty   bool
	// now, when set, is the commands' clock (prune's age rules).
	now func() time.Time
}

func newHarness(t *testing.T) *harness {
	t.Helper()
	home := t.TempDir()
	return &harness{t: t, home: home, env: map[string]string{
		"XDG_CONFIG_HOME": filepath.Join(home, ".config"),
		"XDG_STATE_HOME":  filepath.Join(home, ".local", "state"),
		// HOME matters beyond ohdash's files: the docker CLI's contexts
		// (~/.docker) and SSH (~/.ssh) are found through it.
		"HOME": home,
		"USER": "tester",
	}}
}

// configPath is where the harness's configuration file lives.
func (h *harness) configPath() string {
	return filepath.Join(h.home, ".config", "ohdash", "config.toml")
}

func (h *harness) auditPath() string {
	return filepath.Join(h.home, ".local", "state", "ohdash", "audit.log")
}

// writeConfig writes the configuration file.
func (h *harness) writeConfig(body string) {
	h.t.Helper()
	writeTestFile(h.t, h.configPath(), body)
}

func writeTestFile(t *testing.T, path, body string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
}

// run runs ohdash with args and returns what it did.
func (h *harness) run(args ...string) result {
	h.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	var out, errb bytes.Buffer
	s := stdio{
		in: strings.NewReader(h.stdin), out: &out, err: &errb, inTTY: h.tty, outTTY: h.tty,
		getenv: func(k string) string { return h.env[k] }, home: h.home, now: h.now,
	}
	code := run(ctx, args, s)
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// must runs and fails the test unless the exit code is want.
func (h *harness) must(want int, args ...string) result {
	h.t.Helper()
	r := h.run(args...)
	if r.code != want {
		h.t.Fatalf("ohdash %s: exit %d, want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.code, want, r.stdout, r.stderr)
	}
	return r
}

// readAudit parses the audit log and returns its outcome lines (refusals
// included), after checking that every action that ran has its intent
// line, with the same op_id, before its outcome.
func readAudit(t *testing.T, path string) []guard.Entry {
	t.Helper()
	var out []guard.Entry
	intents := map[string]guard.Entry{}
	for _, e := range readAuditLines(t, path) {
		switch e.Result {
		case guard.ResultIntent:
			intents[e.OpID] = e
		case guard.ResultRefused:
			out = append(out, e)
		default:
			if in, ok := intents[e.OpID]; !ok || e.OpID == "" || in.Action != e.Action {
				t.Errorf("audit outcome without its intent line: %+v", e)
			}
			delete(intents, e.OpID)
			out = append(out, e)
		}
	}
	return out
}

// readAuditLines parses every line of the audit log, intents included.
func readAuditLines(t *testing.T, path string) []guard.Entry {
	t.Helper()
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []guard.Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e guard.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

// simFleet is a runtime API simulator with a remote backend named "eval"
// configured to reach it, and no Docker backend.
type simFleet struct {
	*fleet.Fleet
	// direct is a backend of the test's own on the same API: the truth
	// the command's output is checked against.
	direct *remote.Backend
}

func startFleet(t *testing.T, h *harness, runtimes int) *simFleet {
	t.Helper()
	return startFleetWith(t, h, fleet.Options{Runtimes: runtimes, Conversations: 6, Seed: 15, Mix: runtimeapi.Mix{Paused: 0.3}})
}

// startFleetWith starts a fleet with the given options and points the
// harness's configuration at it (its runtime API as backend "eval").
func startFleetWith(t *testing.T, h *harness, o fleet.Options) *simFleet {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	f, err := fleet.Start(ctx, o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(f.Close)
	keyFile := filepath.Join(h.home, "eval.key")
	writeTestFile(t, keyFile, f.APIKey+"\n")
	h.writeConfig(`docker = []
[[remote]]
name = "eval"
url = "` + f.URL + `"
api_key_file = "` + keyFile + `"
`)
	direct, err := remote.New(remote.Options{URL: f.URL, APIKey: backend.NewSecret(f.APIKey)})
	if err != nil {
		t.Fatal(err)
	}
	return &simFleet{Fleet: f, direct: direct}
}

// sandboxes lists the fleet through the test's own backend.
func (f *simFleet) sandboxes(t *testing.T) map[string]backend.Sandbox {
	t.Helper()
	sbs, err := f.direct.List(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]backend.Sandbox{}
	for _, sb := range sbs {
		out[sb.ID] = sb
	}
	return out
}

// withStatus returns the id of some sandbox with the status.
func (f *simFleet) withStatus(t *testing.T, st backend.Status) string {
	t.Helper()
	for id, sb := range f.sandboxes(t) {
		if sb.Status == st {
			return id
		}
	}
	t.Fatalf("the fleet has no %s sandbox", st)
	return ""
}

// fmtSscanf reads the line number agentsim puts at the start of a log
// line ("line 00000042 boot …").
func fmtSscanf(line string, n *int) (int, error) {
	return fmt.Sscanf(line, "line %d", n)
}

// testApp sets ohdash up as `ohdash ARGS` would, without running it.
func (h *harness) testApp(args ...string) *app {
	h.t.Helper()
	inv, err := parseCommandLine(commands(), args)
	if err != nil {
		h.t.Fatal(err)
	}
	a, err := newApp(inv, stdio{getenv: func(k string) string { return h.env[k] }, home: h.home}, "dashboard")
	if err != nil {
		h.t.Fatal(err)
	}
	h.t.Cleanup(a.close)
	return a
}

// exitCase is a command line and the exit code and message it must give.
type exitCase struct {
	args []string
	want int
	say  string
}

// checkExits runs every case through run and reports the ones that differ.
func checkExits(t *testing.T, run func(args ...string) result, cases []exitCase) {
	t.Helper()
	for _, c := range cases {
		r := run(c.args...)
		if r.code != c.want || !strings.Contains(r.stderr, c.say) {
			t.Errorf("ohdash %s: exit %d (want %d), stderr %q (want %q)", strings.Join(c.args, " "), r.code, c.want, r.stderr, c.say)
		}
	}
}

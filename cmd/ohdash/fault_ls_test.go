package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend/sim/fleet"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// lsRows runs `ohdash ls --json` in-process and decodes its rows.
func lsRows(t *testing.T, h *harness) (result, []sandboxJSON) {
	t.Helper()
	r := h.run("ls", "--json")
	var rows []sandboxJSON
	if strings.TrimSpace(r.stdout) != "" {
		if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
			t.Fatalf("ls --json printed no JSON array (exit %d): %v\n%s", r.code, err, r.stdout)
		}
	}
	return r, rows
}

// TestFaultLsUnder5xxStorm runs `ohdash ls` 30 times against a runtime API
// that answers 20% of its requests with HTTP 500. Before reads were
// retried, 8 of 30 runs here (15 of 30 in the report) printed no remote
// row at all. Now every run must print every row, and a run that is not
// complete must say so with exit code 5.
func TestFaultLsUnder5xxStorm(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 12)
	want := len(f.sandboxes(t))
	f.Sim.SetFaults(runtimeapi.Faults{ErrorRate: 0.2})
	whole, allRows := 0, 0
	for range 30 {
		r, rows := lsRows(t, h)
		switch {
		case r.code == exitOK && len(rows) == want:
			whole++
		case r.code == exitPartial:
			if !strings.Contains(r.stderr, "backend eval") {
				t.Errorf("partial listing does not name the failed backend: %s", r.stderr)
			}
		case r.code == exitOK:
			t.Errorf("exit 0 with %d of %d rows: a short list passed for a complete one", len(rows), want)
		}
		if len(rows) == want {
			allRows++
		}
	}
	t.Logf("under 20%% HTTP 500: %d of 30 runs complete, %d of 30 with every row", whole, allRows)
	if allRows < 29 {
		t.Errorf("only %d of 30 runs printed every row", allRows)
	}
}

// TestFaultLsPartialExitCode: with one of two runtime APIs failing, ls
// prints the other's rows, names the failed one on stderr and exits 5.
func TestFaultLsPartialExitCode(t *testing.T) {
	h := newHarness(t)
	good := startFleet(t, h, 4)
	want := len(good.sandboxes(t))
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bad, err := fleet.Start(ctx, fleet.Options{Runtimes: 3, Seed: 3, APIKey: good.APIKey})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(bad.Close)
	bad.Sim.SetFaults(runtimeapi.Faults{ErrorRate: 1})
	keyFile := filepath.Join(h.home, "eval.key")
	h.writeConfig(`docker = []
[[remote]]
name = "eval"
url = "` + good.URL + `"
api_key_file = "` + keyFile + `"
[[remote]]
name = "broken"
url = "` + bad.URL + `"
api_key_file = "` + keyFile + `"
`)
	r, rows := lsRows(t, h)
	if r.code != exitPartial {
		t.Fatalf("exit %d, want %d (partial)\n%s", r.code, exitPartial, r.stderr)
	}
	if len(rows) != want {
		t.Errorf("%d rows, want the %d of the backend that answered", len(rows), want)
	}
	if !strings.Contains(r.stderr, "backend broken") || strings.Contains(r.stderr, "backend eval") {
		t.Errorf("stderr does not name (only) the failed backend:\n%s", r.stderr)
	}
	if strings.Count(r.stderr, "HTTP 500") != 1 {
		t.Errorf("the failure is not said exactly once:\n%s", r.stderr)
	}
	// The same failure with nothing else listed is not "partial".
	h.writeConfig(`docker = []
[[remote]]
name = "broken"
url = "` + bad.URL + `"
api_key_file = "` + keyFile + `"
`)
	if r, _ := lsRows(t, h); r.code == exitPartial || r.code == exitOK {
		t.Errorf("nothing listed, yet exit %d", r.code)
	}
}

// TestFaultLsDamagedStateFile truncates the state file between two runs
// of the real binary: the second must list every sandbox, exit 0, and say
// once, on stderr, which file was moved aside and where. (Before, it died
// of SIGBUS or a bbolt assertion with exit 2, naming no file.)
func TestFaultLsDamagedStateFile(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 30)
	want := len(f.sandboxes(t))
	if r := h.proc(t, "", "ls", "-q"); r.code != exitOK {
		t.Fatalf("first ls: exit %d\n%s", r.code, r.stderr)
	}
	state := filepath.Join(h.home, ".local", "state", "ohdash", "remote.db")
	fi, err := os.Stat(state)
	if err != nil {
		t.Fatal(err)
	}
	for _, size := range []int64{fi.Size() / 2, 4095, 0} {
		if err := os.Truncate(state, size); err != nil {
			t.Fatal(err)
		}
		r := h.proc(t, "", "ls", "-q")
		if r.code != exitOK {
			t.Fatalf("ls on a state file truncated to %d bytes: exit %d\n%s", size, r.code, r.stderr)
		}
		if n := len(strings.Fields(r.stdout)); n != want {
			t.Errorf("truncated to %d: %d sandboxes listed, want %d", size, n, want)
		}
		if strings.Count(r.stderr, "warning") != 1 || !strings.Contains(r.stderr, state+": ") || !strings.Contains(r.stderr, state+".damaged-") {
			t.Errorf("truncated to %d: stderr does not say once which file was moved aside where:\n%s", size, r.stderr)
		}
		if r := h.proc(t, "", "ls", "-q"); r.code != exitOK || r.stderr != "" {
			t.Errorf("the run after the repair: exit %d, stderr %q", r.code, r.stderr)
		}
	}
	if aside, _ := filepath.Glob(state + ".damaged-*"); len(aside) != 3 {
		t.Errorf("%d files moved aside, want 3: %v", len(aside), aside)
	}
}

// One implausible entry in a runtime API's /list makes the answer partial,
// not empty: the other sandboxes there are still found by name, and the
// command goes on to ask the API about them.
func TestFaultPartialListStillResolves(t *testing.T) {
	api := hostileRuntimeAPI(t)
	h := newHarness(t)
	h.writeConfig("docker = []\n[[remote]]\nname = \"evil\"\nurl = \"" + api.URL + "\"\napi_key = \"runtime-key-0123456789\"\n")
	r := h.run("pause", "goodsession1")
	if strings.Contains(r.stderr, "not found") || !strings.Contains(r.stderr, "/pause") {
		t.Errorf("pause goodsession1 did not reach the API: exit %d\n%s", r.code, r.stderr)
	}
}

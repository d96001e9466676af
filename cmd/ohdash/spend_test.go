package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/fleet"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

func spendOf(t *testing.T, h *harness, want int, args ...string) (spendJSON, result) {
	t.Helper()
	r := h.must(want, append([]string{"spend", "--json"}, args...)...)
	var out spendJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return out, r
}

// runningAgents returns the agent-server emulators of the fleet's running
// sandboxes (after a listing has asked each of them).
func (f *simFleet) runningAgents(t *testing.T) map[string]*agentserver.Server {
	t.Helper()
	out := map[string]*agentserver.Server{}
	for id, sb := range f.sandboxes(t) {
		if sb.Status == backend.StatusRunning {
			out[id] = f.agentOf(t, sb)
		}
	}
	return out
}

// ohdash spend totals what the agent-servers report, by model, sandbox
// and backend, records a snapshot, and the next run sees the spend since.
func TestSpendCommand(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 4)
	first, _ := spendOf(t, h, exitOK)
	convs := conversationsJSON(t, h)
	var sum float64
	for _, c := range convs {
		sum += c.Cost
	}
	if first.Total.Conversations != len(convs) || first.Total.Cost <= 0 || first.Total.Cost > sum+1e-9 {
		t.Fatalf("total %+v; convs lists %d costing $%v", first.Total, len(convs), sum)
	}
	if len(first.ByModel) < 2 || len(first.ByBackend) != 1 || first.ByBackend[0].Name != "eval" {
		t.Fatalf("by model %+v, by backend %+v", first.ByModel, first.ByBackend)
	}
	if len(first.BySandbox) != len(f.runningAgents(t)) || first.BySandbox[0].Backend != "eval" {
		t.Fatalf("by sandbox %+v", first.BySandbox)
	}
	if !slices.IsSortedFunc(first.Top, func(a, b conversationJSON) int { return int((b.Cost - a.Cost) * 1e9) }) || len(first.Top) == 0 {
		t.Fatalf("top not ranked by cost: %+v", first.Top)
	}
	if first.History == nil || first.History.First == nil || first.LastHour.Cost != 0 {
		t.Fatalf("first run: history %+v, last hour %+v (a first snapshot is a baseline)", first.History, first.LastHour)
	}
	fi, err := os.Stat(filepath.Join(h.home, ".local", "state", "ohdash", "spend.db"))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("spend.db: %v, %v", fi, err)
	}
	// The agents work (a new message is a new turn, a new LLM call);
	// the next run counts exactly what their counters grew by.
	work(t, f)
	var second spendJSON
	waitFor(t, 20*time.Second, "the agents to spend", func() bool {
		second, _ = spendOf(t, h, exitOK)
		return second.LastHour.Cost > 0
	})
	grown := second.Total.Cost - first.Total.Cost
	if second.LastHour.Cost > grown+1e-9 || second.Today.Cost != second.LastHour.Cost || len(second.Days) == 0 ||
		second.Days[len(second.Days)-1].Date != time.Now().UTC().Format(time.DateOnly) {
		t.Fatalf("last hour $%v (totals grew $%v), today %+v, days %+v", second.LastHour.Cost, grown, second.Today, second.Days)
	}
	plain := h.must(exitOK, "spend")
	for _, want := range []string{"total", "last hour", "MODEL", "SANDBOX", "BACKEND", "DAY (UTC)", "CONVERSATION", "deepseek"} {
		if !strings.Contains(plain.stdout, want) {
			t.Errorf("spend lacks %q:\n%s", want, plain.stdout)
		}
	}
}

// A backend that cannot be read makes the result partial (exit 5), named
// on stderr; what the others report is printed all the same.
func TestSpendPartial(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	cfg, err := os.ReadFile(h.configPath())
	if err != nil {
		t.Fatal(err)
	}
	h.writeConfig(string(cfg) + "\n[[remote]]\nname = \"gone\"\nurl = \"http://127.0.0.1:1\"\napi_key = \"k-gone-1234\"\n")
	out, r := spendOf(t, h, exitPartial)
	if !strings.Contains(r.stderr, "gone") || out.Total.Conversations == 0 {
		t.Fatalf("stderr %q, total %+v", r.stderr, out.Total)
	}
	// --backend leaves the broken one out: the result is whole again.
	only, _ := spendOf(t, h, exitOK, "--backend", "eval")
	if only.Total.Conversations != out.Total.Conversations || len(only.ByBackend) != 1 {
		t.Fatalf("--backend eval: %+v", only.Total)
	}
	_ = f
}

// A crossed budget is said on stderr once it is crossed; with
// pause_when_crossed the running conversations are paused through the
// guard (audited), and read-only mode refuses that (audited too).
func TestSpendBudget(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		h := newHarness(t)
		// Slow agents: the running conversations are still running when
		// the budget is crossed.
		f := startFleetWith(t, h, fleet.Options{Runtimes: 3, Conversations: 6, Seed: 15, Pace: time.Hour})
		cfg, _ := os.ReadFile(h.configPath())
		head := ""
		if readOnly {
			head = "readonly = true\n"
		}
		hookOut := filepath.Join(t.TempDir(), "alerts.ndjson")
		h.writeConfig(head + string(cfg) + "\n[budget]\nper_hour = 0.000001\npause_when_crossed = true\n" +
			"\n[alerts]\ncommand = [\"sh\", \"-c\", \"cat >> '" + hookOut + "'\"]\n")
		_, r := spendOf(t, h, exitOK)
		if strings.Contains(r.stderr, "budget") {
			t.Fatalf("the first snapshot crossed a budget: %s", r.stderr)
		}
		work(t, f)
		// One conversation per sandbox runs again (and, at this pace,
		// keeps running): those are what a crossing pauses.
		running := 0
		for _, a := range f.runningAgents(t) {
			if err := a.SendMessage(a.Conversations()[0], "keep going", true); err != nil {
				t.Fatal(err)
			}
			running++
		}
		waitFor(t, 20*time.Second, "the budget to be crossed", func() bool {
			_, r = spendOf(t, h, exitOK)
			return strings.Contains(r.stderr, "spend budget crossed")
		})
		var paused, refused int
		for _, e := range readAudit(t, h.auditPath()) {
			if e.Action != guard.ConversationPause {
				continue
			}
			switch e.Result {
			case guard.ResultOK:
				paused++
			case guard.ResultRefused:
				refused++
			}
		}
		if readOnly && (paused != 0 || refused != 1) || !readOnly && (paused != running || refused != 0) {
			t.Fatalf("readonly=%v: %d pauses, %d refusals audited\n%s", readOnly, paused, refused, r.stderr)
		}
		// The [alerts] hook got the crossing as one JSON object.
		hooked := budgetAlerts(t, hookOut)
		if len(hooked) != 1 || hooked[0].Kind != alert.Budget || hooked[0].To != "crossed" {
			t.Fatalf("the alerts hook got %+v, want one budget alert", hooked)
		}
		// Crossed still, but said as a state, not acted on again.
		before := len(readAuditLines(t, h.auditPath()))
		_, r = spendOf(t, h, exitOK)
		if !strings.Contains(r.stderr, "spend budget crossed") || len(readAuditLines(t, h.auditPath())) != before {
			t.Fatalf("second run: %s", r.stderr)
		}
		if n := len(budgetAlerts(t, hookOut)); n != 1 {
			t.Fatalf("the second run sent the hook %d alerts in all, want the first one only", n)
		}
	}
}

// budgetAlerts reads what the alerts hook wrote: one JSON object a line.
func budgetAlerts(t *testing.T, path string) []alert.Alert {
	t.Helper()
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		t.Fatal(err)
	}
	var out []alert.Alert
	dec := json.NewDecoder(bytes.NewReader(b))
	for dec.More() {
		var a alert.Alert
		if err := dec.Decode(&a); err != nil {
			t.Fatalf("the hook's stdin is not JSON: %v\n%s", err, b)
		}
		out = append(out, a)
	}
	return out
}

// work makes every conversation of the fleet's running sandboxes call
// its LLM twice more (ten events, two of them stats updates).
func work(t *testing.T, f *simFleet) {
	t.Helper()
	for _, a := range f.runningAgents(t) {
		for _, id := range a.Conversations() {
			if _, err := a.Generate(id, 10); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// Planted escapes and secrets in model names and titles never reach the
// terminal, in the plain report or the JSON.
func TestFaultSpendOutputIsSafe(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 2)
	h.must(exitOK, "spend")
	for _, a := range f.runningAgents(t) {
		_, err := a.Seed(agentserver.SeedSpec{
			Title: "evil " + escapeCorpus + " " + f.APIKey + " " + plantGitHub, Turns: 2,
			Model: "model" + escapeCorpus + "token=" + plantURLToken + " " + f.APIKey,
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	var outs []output
	outs = append(outs, captureRun(h, "spend")...)
	outs = append(outs, captureRun(h, "spend", "--json")...)
	checkTerminalSafe(t, outs)
	checkNoLeaks(t, outs, []string{f.APIKey, plantGitHub, plantURLToken})
	for _, o := range outs {
		for _, m := range escapeMarkers {
			if strings.Contains(string(o.data), m) && !strings.Contains(o.path, "json") {
				t.Errorf("%s keeps the payload %q", o.path, m)
			}
		}
	}
	if !strings.Contains(string(outs[0].data), "evil") {
		t.Fatalf("the planted conversation is not shown:\n%s", outs[0].data)
	}
}

// A damaged spend history is moved aside with a timestamp and said once
// on stderr; the command still prints the live totals and exits 0.
func TestFaultSpendDamagedHistory(t *testing.T) {
	h := newHarness(t)
	startFleet(t, h, 2)
	path := filepath.Join(h.home, ".local", "state", "ohdash", "spend.db")
	writeTestFile(t, path, strings.Repeat("garbage \x1b]0;pwned\x07", 400))
	out, r := spendOf(t, h, exitOK)
	if strings.Count(r.stderr, "moved it aside") != 1 || !strings.Contains(r.stderr, "spend history starts again") ||
		strings.Contains(r.stderr, "\x1b") || out.Total.Conversations == 0 {
		t.Fatalf("stderr %q, total %+v", r.stderr, out.Total)
	}
	aside, _ := filepath.Glob(path + ".damaged-*")
	if len(aside) != 1 {
		t.Fatalf("moved aside: %q", aside)
	}
	if _, r := spendOf(t, h, exitOK); strings.Contains(r.stderr, "moved it aside") {
		t.Fatalf("said again on the next run: %s", r.stderr)
	}
}

package guard

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
)

// readAudit returns the outcome lines of the audit log, after checking
// that each outcome of an action that ran follows its intent line (same
// op_id, action and target as far as known before).
func readAudit(t *testing.T, path string) []Entry {
	t.Helper()
	var out []Entry
	intents := map[string]Entry{}
	for _, e := range readAuditLines(t, path) {
		switch e.Result {
		case ResultIntent:
			if e.OpID == "" {
				t.Errorf("intent without op_id: %+v", e)
			}
			intents[e.OpID] = e
		case ResultRefused:
			out = append(out, e)
		default:
			in, ok := intents[e.OpID]
			if !ok || in.Action != e.Action || in.Backend != e.Backend || in.Time.After(e.Time) {
				t.Errorf("outcome %+v has no intent line before it (intent %+v)", e, in)
			}
			delete(intents, e.OpID)
			out = append(out, e)
		}
	}
	return out
}

// readAuditLines returns every line of the audit log, intents included.
func readAuditLines(t *testing.T, path string) []Entry {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []Entry
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		var e Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			t.Fatalf("audit line %q: %v", sc.Text(), err)
		}
		out = append(out, e)
	}
	return out
}

func fixture() *fake.Backend {
	return fake.New("docker",
		backend.Sandbox{ID: "oh-agent-server-a", Status: backend.StatusRunning},
		backend.Sandbox{ID: "oh-agent-server-b", Status: backend.StatusPaused})
}

func TestReadOnlyRefusesAndAudits(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state", "audit.log")
	f := fixture()
	g := &Guard{ReadOnly: true, Why: "--readonly", Audit: NewAudit(path, "cli", Identity{User: "alice", PID: 7})}
	b := g.Backend(f)
	checks := map[string]error{
		SandboxPause:  b.Pause(ctx, "oh-agent-server-a"),
		SandboxResume: b.Resume(ctx, "oh-agent-server-b"),
		SandboxDelete: b.Delete(ctx, "oh-agent-server-a"),
	}
	_, checks[SandboxStart] = b.Start(ctx, backend.StartRequest{Image: "img"})
	for action, err := range checks {
		if !errors.Is(err, backend.ErrReadOnly) || !strings.Contains(err.Error(), "--readonly") {
			t.Errorf("%s: want a read-only refusal that says why, got %v", action, err)
		}
	}
	if acts := f.Actions(); len(acts) != 0 {
		t.Fatalf("the backend was reached in read-only mode: %v", acts)
	}
	entries := readAudit(t, path)
	if len(entries) != 4 {
		t.Fatalf("%d audit entries, want 4", len(entries))
	}
	for _, e := range entries {
		if e.Result != ResultRefused || e.User != "alice" || e.PID != 7 || e.Origin != "cli" || e.Backend != "docker" || e.Time.IsZero() {
			t.Errorf("entry %+v", e)
		}
	}
	// Reads still work.
	if sbs, err := b.List(ctx); err != nil || len(sbs) != 2 {
		t.Fatalf("list in read-only mode: %v %v", sbs, err)
	}
}

func TestActionsAreAuditedWithTheirOutcome(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "audit.log")
	f := fixture()
	g := &Guard{Audit: NewAudit(path, "dashboard", Identity{User: "bob"})}
	b := g.Backend(f)
	if err := b.Pause(ctx, "oh-agent-server-a"); err != nil {
		t.Fatal(err)
	}
	f.FailNext(fmt.Errorf("engine said no: %w", backend.ErrConflict))
	if err := b.Resume(ctx, "oh-agent-server-b"); !errors.Is(err, backend.ErrConflict) {
		t.Fatalf("the backend's error must come back wrapped as it was: %v", err)
	}
	sb, err := b.Start(ctx, backend.StartRequest{Image: "agent:1"})
	if err != nil {
		t.Fatal(err)
	}
	got := readAudit(t, path)
	want := []struct{ action, target, result string }{
		{SandboxPause, "oh-agent-server-a", ResultOK},
		{SandboxResume, "oh-agent-server-b", ResultError},
		{SandboxStart, sb.ID, ResultOK},
	}
	if len(got) != len(want) {
		t.Fatalf("entries %+v", got)
	}
	for i, w := range want {
		if got[i].Action != w.action || got[i].Target != w.target || got[i].Result != w.result || got[i].Origin != "dashboard" {
			t.Errorf("entry %d = %+v, want %v", i, got[i], w)
		}
	}
	if !strings.Contains(got[1].Error, "engine said no") || got[2].Detail != "image agent:1" {
		t.Errorf("error/detail not recorded: %+v", got)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("audit log mode %v, %v; want 0600", st.Mode().Perm(), err)
	}
}

func TestUnwritableAuditLogRefusesTheAction(t *testing.T) {
	dir := t.TempDir()
	blocker := filepath.Join(dir, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	f := fixture()
	g := &Guard{Audit: NewAudit(filepath.Join(blocker, "audit.log"), "cli", Identity{})}
	err := g.Backend(f).Pause(context.Background(), "oh-agent-server-a")
	if err == nil || !strings.Contains(err.Error(), "audit") {
		t.Fatalf("want a refusal naming the audit log, got %v", err)
	}
	if len(f.Actions()) != 0 {
		t.Fatal("an action ran although it could not be recorded")
	}
}

func TestConcurrentWritersKeepLinesWhole(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	// Two Audit values on one file stand for two ohdash processes.
	a, b := NewAudit(path, "cli", Identity{User: "a"}), NewAudit(path, "dashboard", Identity{User: "b"})
	var wg sync.WaitGroup
	for i := range 200 {
		w := a
		if i%2 == 1 {
			w = b
		}
		wg.Go(func() {
			if err := w.Record(Entry{Action: SandboxPause, Target: strings.Repeat("x", 300), Result: ResultOK}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	_ = a.Close()
	_ = b.Close()
	if n := len(readAuditLines(t, path)); n != 200 {
		t.Fatalf("%d whole lines, want 200", n)
	}
}

// logless is a backend without the LogStreamer capability.
type logless struct{ backend.Backend }

func TestCapabilitiesArePreserved(t *testing.T) {
	g := &Guard{}
	if !backend.Supports(g.Backend(fixture()), backend.CapLogs) {
		t.Error("a backend with logs lost them when guarded")
	}
	wrapped := g.Backend(logless{fixture()})
	if backend.Supports(wrapped, backend.CapLogs) {
		t.Error("a backend without logs gained them when guarded")
	}
	if _, err := wrapped.(backend.LogStreamer).Logs(context.Background(), "x", backend.LogOptions{}); !errors.Is(err, backend.ErrUnsupported) {
		t.Errorf("logs through the guard of a backend without logs: %v, want ErrUnsupported", err)
	}
	if _, ok := Unwrap(wrapped).(logless); !ok {
		t.Error("Unwrap does not return the inner backend")
	}
}

// TestGuardImplementsEveryCapability: whatever the backend beneath, the
// guard has every optional interface, so none vanishes behind it, and
// Supports tells the truth about each.
func TestGuardImplementsEveryCapability(t *testing.T) {
	g := &Guard{}
	for _, b := range []backend.Backend{fixture(), logless{fixture()}} {
		w := g.Backend(b)
		_, logs := w.(backend.LogStreamer)
		_, stop := w.(backend.SandboxStopper)
		_, expl := w.(backend.Explainer)
		_, get := w.(backend.SandboxGetter)
		_, stats := w.(backend.StatsReader)
		if !logs || !stop || !expl || !get || !stats {
			t.Errorf("guarded %T: LogStreamer %v, SandboxStopper %v, Explainer %v, SandboxGetter %v, StatsReader %v; want all", b, logs, stop, expl, get, stats)
		}
		for _, c := range []backend.Capability{backend.CapLogs, backend.CapStop, backend.CapExplain, backend.CapGet, backend.CapStats} {
			if got, want := backend.Supports(w, c), backend.Supports(b, c); got != want {
				t.Errorf("guarded %T supports %s = %v, the backend itself %v", b, c, got, want)
			}
		}
	}
}

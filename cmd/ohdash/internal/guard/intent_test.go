package guard

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// slowStart is a backend whose Start blocks until its context ends, as a
// start does when Ctrl-C arrives while the API is still answering, and
// reports the sandbox it had begun creating.
type slowStart struct {
	backend.Backend
	started chan struct{}
}

func (s slowStart) Start(ctx context.Context, _ backend.StartRequest) (backend.Sandbox, error) {
	close(s.started)
	<-ctx.Done()
	return backend.Sandbox{ID: "oh-agent-server-halfway"}, ctx.Err()
}

// The intent line is on disk before the backend is asked: a process killed
// mid-action (SIGKILL cannot be caught) still leaves its trace.
func TestIntentIsWrittenBeforeTheAction(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	g := &Guard{Audit: NewAudit(path, "cli", Identity{User: "carol"})}
	var seen []Entry
	err := g.Do(context.Background(), Op{Action: SandboxPause, Backend: "docker", Target: "oh-agent-server-a"}, func(context.Context) (string, error) {
		seen = readAuditLines(t, path)
		return "", nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(seen) != 1 || seen[0].Result != ResultIntent || seen[0].Action != SandboxPause || seen[0].Target != "oh-agent-server-a" || seen[0].OpID == "" {
		t.Fatalf("while the action ran the log held %+v, want its intent line", seen)
	}
	all := readAuditLines(t, path)
	if len(all) != 2 || all[1].Result != ResultOK || all[1].OpID != seen[0].OpID {
		t.Fatalf("log %+v, want intent then ok with the same op_id", all)
	}
}

// Ctrl-C during a start: the outcome line says "interrupted" and names the
// sandbox the backend had begun to create.
func TestInterruptedActionIsRecorded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	g := &Guard{Audit: NewAudit(path, "cli", Identity{})}
	s := slowStart{Backend: fixture(), started: make(chan struct{})}
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-s.started
		cancel()
	}()
	sb, err := g.Backend(s).Start(ctx, backend.StartRequest{})
	if !errors.Is(err, context.Canceled) || sb.ID != "oh-agent-server-halfway" {
		t.Fatalf("start = %+v, %v", sb, err)
	}
	got := readAudit(t, path)
	if len(got) != 1 || got[0].Result != ResultInterrupted || got[0].Target != "oh-agent-server-halfway" || got[0].Error == "" {
		t.Fatalf("audit %+v, want one interrupted outcome naming the sandbox", got)
	}
}

// Refuse records a refusal made before any backend is involved (the
// dashboard's own read-only check) and is a no-op outside read-only mode.
func TestRefuseRecordsDashboardRefusals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	a := NewAudit(path, "dashboard", Identity{User: "dan"})
	if err := (&Guard{Audit: a}).Refuse(Op{Action: SandboxDelete}); err != nil {
		t.Fatalf("refusal outside read-only mode: %v", err)
	}
	g := &Guard{ReadOnly: true, Why: "readonly = true in /etc/ohdash.toml", Audit: a}
	err := g.Refuse(Op{Action: ConversationSend, Backend: "eval", Target: "c1", Sandbox: "s1"})
	if !errors.Is(err, backend.ErrReadOnly) || !strings.Contains(err.Error(), "/etc/ohdash.toml") {
		t.Fatalf("refusal %v", err)
	}
	got := readAudit(t, path)
	if len(got) != 1 || got[0].Result != ResultRefused || got[0].Origin != "dashboard" || got[0].Action != ConversationSend || got[0].Sandbox != "s1" {
		t.Fatalf("audit %+v", got)
	}
}

// An audit log whose last line was cut short (a full disk, a crash)
// still takes new entries, each on a line of its own; what was there stays.
func TestAppendingAfterATruncatedLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	whole := `{"time":"2026-01-01T00:00:00Z","user":"x","pid":1,"origin":"cli","backend":"docker","action":"sandbox.pause","result":"ok","duration_ms":1}` + "\n"
	if err := os.WriteFile(path, []byte(whole+`{"time":"2026-01-01T00:00:01Z","user":"x","pi`), 0o600); err != nil {
		t.Fatal(err)
	}
	g := &Guard{Audit: NewAudit(path, "cli", Identity{User: "erin"})}
	if err := g.Backend(fixture()).Pause(context.Background(), "oh-agent-server-a"); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(raw), "\n"), "\n")
	if len(lines) != 4 || lines[0]+"\n" != whole || !strings.HasSuffix(lines[1], `"pi`) {
		t.Fatalf("log after appending:\n%s", raw)
	}
	for _, l := range lines[2:] {
		if !strings.HasPrefix(l, "{") || !strings.HasSuffix(l, "}") || !strings.Contains(l, `"user":"erin"`) {
			t.Errorf("new entry not on a whole line of its own: %q", l)
		}
	}
}

// A huge error or id (a hostile server's answer) is clipped: the entry
// stays one small line.
func TestLongFieldsAreClipped(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	a := NewAudit(path, "cli", Identity{})
	if err := a.Record(Entry{Action: SandboxPause, Target: strings.Repeat("é", 10000), Error: strings.Repeat("x", 100000), Result: ResultError}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Size() > 3*maxField {
		t.Fatalf("entry of %d bytes, %v", st.Size(), err)
	}
	if e := readAuditLines(t, path); len(e) != 1 || !strings.HasSuffix(e[0].Target, "…") {
		t.Fatalf("entries %+v", e)
	}
}

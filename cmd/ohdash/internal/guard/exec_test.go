package guard

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
)

// execBackend is a fake backend with an exec API and a command runner.
type execBackend struct {
	*fake.Backend
	ran  []string
	code int
}

func (b *execBackend) Exec(_ context.Context, id string, req backend.ExecRequest) (int, error) {
	b.ran = append(b.ran, "exec "+id+" "+req.Describe())
	return b.code, nil
}

func (b *execBackend) RunCommand(_ context.Context, id string, req backend.CommandRequest) (int, error) {
	b.ran = append(b.ran, "run "+id+" "+req.Command)
	return b.code, nil
}

// Exec and RunCommand are actions: refused (and audited) in read-only
// mode without reaching the backend; otherwise intent, then outcome with
// the exit code, and capabilities seen through the wrapper.
func TestExecIsGuarded(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	eb := &execBackend{Backend: fake.New("docker"), code: 7}
	ro := (&Guard{ReadOnly: true, Why: "--readonly", Audit: NewAudit(path, "cli", Identity{User: "alice"})}).Backend(eb)
	if !backend.Supports(ro, backend.CapExec) || !backend.Supports(ro, backend.CapCommand) {
		t.Fatal("the guard hides the exec capabilities")
	}
	ex := ro.(backend.Execer)
	if _, err := ex.Exec(context.Background(), "sb-1", backend.ExecRequest{Cmd: []string{"rm", "-rf", "/"}}); !errors.Is(err, backend.ErrReadOnly) {
		t.Fatalf("read-only exec: %v", err)
	}
	if _, err := ro.(backend.CommandRunner).RunCommand(context.Background(), "sb-1", backend.CommandRequest{Command: "ls"}); !errors.Is(err, backend.ErrReadOnly) {
		t.Fatalf("read-only command: %v", err)
	}
	if len(eb.ran) != 0 {
		t.Fatalf("read-only mode reached the backend: %v", eb.ran)
	}
	rw := (&Guard{Audit: NewAudit(path, "dashboard", Identity{User: "bob"})}).Backend(eb)
	code, err := rw.(backend.Execer).Exec(context.Background(), "sb-1", backend.ExecRequest{TTY: true})
	if err != nil || code != 7 {
		t.Fatalf("exec: %d %v", code, err)
	}
	es := readAudit(t, path)
	if len(es) != 3 || es[0].Result != ResultRefused || es[0].Action != SandboxExec || es[0].Detail != "rm -rf /" ||
		es[2].Result != ResultOK || es[2].ExitCode == nil || *es[2].ExitCode != 7 || es[2].Detail != "shell (bash, else sh) (terminal)" {
		t.Fatalf("audit: %+v", es)
	}
}

// TestFaultExecAuditLine: a command carrying a known secret, a token and
// escapes is written masked and sanitised, and the exit code is there.
func TestFaultExecAuditLine(t *testing.T) {
	key := "sk-planted-audit-key-0123456789"
	backend.RememberSecret(key)
	path := filepath.Join(t.TempDir(), "audit.log")
	eb := &execBackend{Backend: fake.New("remote")}
	g := (&Guard{Audit: NewAudit(path, "cli", Identity{})}).Backend(eb)
	cmd := "curl -H 'X-Session-API-Key: " + key + "' --token=ghp_abcdefghijklmnop1234 http://u:pw@h/ \x1b]52;c;aGk=\a\x1b[2J\u009b2J\u202e"
	if _, err := g.(backend.CommandRunner).RunCommand(context.Background(), "sb-1", backend.CommandRequest{Command: cmd}); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{key, "ghp_abcdefghijklmnop1234", ":pw@", "\x1b", "\u009b", "\u202e", "\a"} {
		if strings.Contains(string(raw), bad) {
			t.Errorf("the audit log carries %q:\n%s", bad, raw)
		}
	}
	if !strings.Contains(string(raw), `"exit_code":0`) || !strings.Contains(string(raw), "curl -H") {
		t.Fatalf("the audit line lost its content:\n%s", raw)
	}
}

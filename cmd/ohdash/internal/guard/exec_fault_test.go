package guard

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
)

// TestFaultExecAuditShowsHiddenCommand: a command line that hides a
// command inside an escape sequence (sh runs "rm -rf /x" after the line
// break; sanitising dropped the whole OSC sequence, payload and all, so
// the audit log read "sh -c 'true '") is recorded with its control
// characters written out, the hidden part visible, no raw escape in the
// file and the session key masked.
func TestFaultExecAuditShowsHiddenCommand(t *testing.T) {
	key := "sk-planted-audit-exec-0123456789"
	backend.RememberSecret(key)
	path := filepath.Join(t.TempDir(), "audit.log")
	eb := &execBackend{Backend: fake.New("docker")}
	g := (&Guard{Audit: NewAudit(path, "cli", Identity{User: "alice"})}).Backend(eb)
	hidden := "true \x1b]0;\n rm -rf /x " + key + " \a\u202e\u009b2J"
	if _, err := g.(backend.Execer).Exec(context.Background(), "sb-1", backend.ExecRequest{Cmd: []string{"sh", "-c", hidden}}); err != nil {
		t.Fatal(err)
	}
	if _, err := g.(backend.CommandRunner).RunCommand(context.Background(), "sb-1", backend.CommandRequest{Command: hidden}); err != nil {
		t.Fatal(err)
	}
	es := readAudit(t, path)
	if len(es) != 2 {
		t.Fatalf("audit: %+v", es)
	}
	for _, e := range es {
		if !strings.Contains(e.Detail, "rm -rf /x") || strings.Contains(e.Detail, key) || strings.ContainsAny(e.Detail, "\x1b\a\n\u202e\u009b") {
			t.Errorf("detail %q: the hidden command is not shown, or raw controls or the key are", e.Detail)
		}
	}
}

package guard

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

func TestAuditLineIsSanitisedAndMasked(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	a := NewAudit(path, "cli", Identity{User: "u", PID: 1})
	key := backend.NewSecret("audit-session-key-0a1b2c3d4e")
	err := a.Record(Entry{
		Action: "conversation.send", Target: "conv\x1b]0;t\x07\u202e",
		Detail: "token=" + key.Reveal() + " ghp_abcdefghijklmnopqrstuvwxyz",
		Error:  errors.New("HTTP 500: \u009b2J " + key.Reveal()).Error(), Result: ResultError,
	})
	if err != nil {
		t.Fatal(err)
	}
	_ = a.Close()
	data, _ := os.ReadFile(path)
	for _, bad := range []string{"\x1b", "\x07", "\u202e", "\u009b", key.Reveal(), "abcdefghijklmnop"} {
		if strings.Contains(string(data), bad) {
			t.Errorf("audit line has %q: %q", bad, data)
		}
	}
}

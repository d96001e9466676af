//go:build unix

package guard

import (
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Another process holding the audit log's lock for ever (stopped, hung)
// delays an action by lockWait at most; the line is still written whole.
func TestFaultAuditLockHeldElsewhere(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.log")
	other, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	if err := syscall.Flock(int(other.Fd()), syscall.LOCK_EX); err != nil {
		t.Fatal(err)
	}
	a := NewAudit(path, "cli", Identity{User: "a"})
	defer a.Close()
	done := make(chan error, 1)
	go func() { done <- a.Record(Entry{Action: SandboxDelete, Target: "x", Result: ResultOK}) }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(lockWait + 5*time.Second):
		t.Fatal("an audit write waits for ever on another process's lock")
	}
	if n := len(readAuditLines(t, path)); n != 1 {
		t.Fatalf("%d lines, want 1", n)
	}
}

package alert

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// procsWith lists the processes whose command line contains marker.
func procsWith(marker string) []string {
	var out []string
	dirs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
	for _, f := range dirs {
		b, err := os.ReadFile(f)
		if err == nil && strings.Contains(string(b), marker) {
			out = append(out, f)
		}
	}
	return out
}

// TestFaultHookLeavesNothingBehind: a hook command that hangs in a child
// of its own (a shell script waiting on something) is killed at the
// timeout with everything it started — not only the shell, leaving its
// children to pile up one per alert.
func TestFaultHookLeavesNothingBehind(t *testing.T) {
	marker := "31.41592"
	h := Hook{Argv: []string{"sh", "-c", "sleep " + marker + "; true"}, Timeout: 200 * time.Millisecond}
	start := time.Now()
	if err := h.Send(context.Background(), Alert{Kind: ConvError}); err == nil {
		t.Fatal("a hook past its timeout is not an error")
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Fatalf("Send took %v", d)
	}
	deadline := time.Now().Add(2 * time.Second)
	for len(procsWith(marker)) > 0 && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if left := procsWith(marker); len(left) > 0 {
		t.Fatalf("the hook's child outlived it: %v", left)
	}
}

// TestFaultHookHostile: a hook that reads nothing, floods its output, or
// is missing or not executable fails (or succeeds) promptly, and the
// dispatcher keeps delivering to the other channels meanwhile.
func TestFaultHookHostile(t *testing.T) {
	dir := t.TempDir()
	noexec := filepath.Join(dir, "noexec.sh")
	if err := os.WriteFile(noexec, []byte("#!/bin/sh\nexit 0\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		argv    []string
		wantErr bool
	}{
		"reads nothing":  {[]string{"true"}, false},
		"floods output":  {[]string{"sh", "-c", "head -c 20000000 /dev/zero; head -c 20000000 /dev/zero >&2"}, false},
		"missing":        {[]string{filepath.Join(dir, "nosuch")}, true},
		"not executable": {[]string{noexec}, true},
		"a directory":    {[]string{dir}, true},
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			err := Hook{Argv: tc.argv, Timeout: 5 * time.Second}.Send(context.Background(), planted())
			if (err != nil) != tc.wantErr {
				t.Fatalf("err = %v, want error %v", err, tc.wantErr)
			}
			if d := time.Since(start); d > 4*time.Second {
				t.Fatalf("took %v", d)
			}
		})
	}
}

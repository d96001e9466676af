package alert

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
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

// TestFaultBurstWithAHangingHook: a burst of 1,000 state changes while the
// hook command hangs. Notify never blocks; the bell sends its six a
// minute, then one summary of the 994 it held back; the hook is killed at
// each timeout and its queue stays bounded.
func TestFaultBurstWithAHangingHook(t *testing.T) {
	var mu sync.Mutex
	now := t0
	clock := func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	bell := &recorder{}
	hook := Hook{Argv: []string{"sh", "-c", "sleep 27.1828"}, Timeout: 50 * time.Millisecond}
	d := NewDispatcher(Options{PerMinute: 6, Now: clock}, bell, hook)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	start := time.Now()
	for i := range 1000 {
		d.Notify(Alert{Kind: ConvWaiting, To: "waiting_for_confirmation", Conversation: strconv.Itoa(i)})
	}
	if el := time.Since(start); el > time.Second {
		t.Fatalf("1,000 Notify calls took %v", el)
	}
	waitUntil(t, func() bool { bell.mu.Lock(); defer bell.mu.Unlock(); return len(bell.got) == 6 })
	mu.Lock()
	now = now.Add(61 * time.Second)
	mu.Unlock()
	d.Flush()
	waitUntil(t, func() bool { bell.mu.Lock(); defer bell.mu.Unlock(); return len(bell.got) == 7 })
	bell.mu.Lock()
	last := bell.got[6]
	bell.mu.Unlock()
	if last.Kind != Suppressed || !strings.Contains(last.Title, "994 more") {
		t.Fatalf("summary %+v", last)
	}
	cancel()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run does not end with a hook hanging")
	}
	if left := procsWith("27.1828"); len(left) > 0 {
		time.Sleep(time.Second)
		if left := procsWith("27.1828"); len(left) > 0 {
			t.Fatalf("hooks left running: %v", left)
		}
	}
}

func waitUntil(t *testing.T, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out")
		}
		time.Sleep(5 * time.Millisecond)
	}
}

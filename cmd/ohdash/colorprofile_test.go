package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// Inside tmux, finding the colour profile means running `tmux info`.
// lipgloss does it when the program starts; the dashboard takes that
// answer instead of letting Bubble Tea run it again before the first
// frame (15-25 ms of start-up, every time).
func TestDashboardAsksTmuxForColoursOnce(t *testing.T) {
	bin := buildOhdash(t)
	ids := demoIDs(t)
	home := t.TempDir()
	fake := filepath.Join(home, "bin")
	calls := filepath.Join(home, "tmux-calls")
	if err := os.MkdirAll(fake, 0o700); err != nil {
		t.Fatal(err)
	}
	// A tmux that only records how it was called: no answer means 256
	// colours, which is all the dashboard needs here.
	script := "#!/bin/sh\necho \"$*\" >> " + calls + "\n"
	if err := os.WriteFile(filepath.Join(fake, "tmux"), []byte(script), 0o700); err != nil {
		t.Fatal(err)
	}
	env := "PATH=" + fake + ":" + os.Getenv("PATH") + " HOME=" + home + " XDG_CONFIG_HOME=" + home + "/c XDG_STATE_HOME=" + home + "/s TERM=xterm-256color"
	term := startTmux(t, "env "+env+" "+bin+" demo; sleep 30")
	if screen, ok := term.waitFor(5*time.Second, func(s string) bool { return strings.Contains(s, ids[0]) }); !ok {
		t.Fatalf("no sandbox on screen:\n%s", screen)
	}
	term.keys("q")
	b, err := os.ReadFile(calls)
	if err != nil {
		t.Fatalf("tmux was never asked (TMUX is set inside tmux): %v", err)
	}
	if n := strings.Count(string(b), "info"); n != 1 {
		t.Fatalf("tmux info ran %d times, want once:\n%s", n, b)
	}
}

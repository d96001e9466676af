package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFaultUnusableStateFile: a state file that cannot be opened at all
// (a directory in its place, a symlink loop) is not damage ohdash can
// move aside, but it must not stop every command either: ls lists every
// remote sandbox (remembered for this run only), exits 0 and says once,
// naming the file, that the state is not kept. It used to exit 1 with no
// rows, and a Docker-only command failed the same way.
func TestFaultUnusableStateFile(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 5)
	want := len(f.sandboxes(t))
	state := filepath.Join(h.home, ".local", "state", "ohdash", "remote.db")
	loop := filepath.Join(h.home, "loop.db")
	if err := os.Symlink(loop, loop); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name  string
		setup func() error
	}{
		{"symlink loop", func() error { return os.Symlink(loop, state) }},
		{"directory", func() error { return os.MkdirAll(filepath.Join(state, "x"), 0o700) }},
	} {
		name := c.name
		if err := os.RemoveAll(state); err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Dir(state), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := c.setup(); err != nil {
			t.Fatal(err)
		}
		r := h.run("ls", "-q")
		if r.code != exitOK {
			t.Fatalf("%s: ls exit %d\n%s", name, r.code, r.stderr)
		}
		if n := len(strings.Fields(r.stdout)); n != want {
			t.Errorf("%s: %d sandboxes listed, want %d", name, n, want)
		}
		if strings.Count(r.stderr, "warning") != 1 || !strings.Contains(r.stderr, state) {
			t.Errorf("%s: stderr does not say once that %s is not used:\n%s", name, state, r.stderr)
		}
	}
}

// Package testkit is what the ui packages' tests share: golden views under
// testdata/golden, key presses as Bubble Tea delivers them, and the pinned
// clock.
// Run `go test ./ui/... -update` to rewrite the golden files after an
// intended change,
// then review the diff like any other code change.
package testkit

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

var update = flag.Bool("update", false, "rewrite golden files")

// Golden compares got (ANSI stripped, trailing spaces trimmed per line)
// with testdata/golden/<name>.golden. On a mismatch it writes
// <name>.golden.got next to it and reports the first differing line.
func Golden(t testing.TB, name, got string) {
	t.Helper()
	got = normalise(got)
	path := filepath.Join("testdata", "golden", name+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("golden %s: %v (run go test -update to create it)", path, err)
	}
	if string(want) == got {
		_ = os.Remove(path + ".got")
		return
	}
	_ = os.WriteFile(path+".got", []byte(got), 0o644)
	wl, gl := strings.Split(string(want), "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(wl), len(gl)); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			t.Fatalf("view differs from %s at line %d:\nwant: %q\ngot:  %q\n(full output in %s.got; -update rewrites)", path, i+1, w, g, path)
		}
	}
}

func normalise(s string) string {
	lines := strings.Split(ansi.Strip(s), "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " ")
	}
	return strings.Join(lines, "\n") + "\n"
}

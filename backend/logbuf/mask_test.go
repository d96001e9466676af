package logbuf

import (
	"strings"
	"testing"
)

// Options.Mask rewrites every line after sanitising (a container printing
// its own key), and the width is that of the masked text; lines it leaves
// alone are not touched.
func TestPipelineMasksLines(t *testing.T) {
	const key = "logKnownKey-9Xc2Vb7N"
	calls := 0
	mask := func(s string) string {
		calls++
		return strings.ReplaceAll(s, key, "••••b7N")
	}
	p := newTestFeeder(Options{Untimed: true, Mask: mask})
	p.dec.reset(false, resumePoint{})
	p.dec.write([]byte("key=" + key + " end\n\x1b]0;x\x07plain\ncolour \x1b[31m" + key + "\x1b[0m\n"))
	p.dec.finish(true)
	got := texts(p.pending)
	want := []string{"key=••••b7N end", "plain", "colour \x1b[31m••••b7N\x1b[m"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Fatalf("got %q, want %q", got, want)
	}
	if calls != 3 {
		t.Errorf("mask called %d times for 3 lines", calls)
	}
	for _, l := range p.pending {
		checkSanitized(t, l.Text, l.Width)
	}
}

package textview

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/theme"
)

// mk makes a line the way the log buffer does: width measured once.
func mk(text string) logbuf.Line {
	return logbuf.Line{Stream: logbuf.Stdout, Text: text, Width: ansi.StringWidth(text)}
}

func mkLines(texts ...string) []logbuf.Line {
	out := make([]logbuf.Line, len(texts))
	for i, t := range texts {
		out[i] = mk(t)
		out[i].Seq = uint64(i + 1)
	}
	return out
}

// numbered returns n lines "line 0" ... "line n-1".
func numbered(from, n int) []logbuf.Line {
	out := make([]logbuf.Line, n)
	for i := range out {
		out[i] = mk("line " + itoa(from+i))
	}
	return out
}

func itoa(i int) string {
	if i == 0 {
		return "0"
	}
	var b [20]byte
	p := len(b)
	for ; i > 0; i /= 10 {
		p--
		b[p] = byte('0' + i%10)
	}
	return string(b[p:])
}

func newView(w, h int, opts ...Option) Model {
	opts = append([]Option{WithLocation(time.UTC)}, opts...)
	return New(theme.New(true), opts...).SetSize(w, h)
}

// frame renders m, checks the frame is exactly Height rows of exactly Width
// cells and renders identically twice, and returns the rows with escapes
// stripped and the gutter (2 cells) removed.
func frame(t *testing.T, m Model) []string {
	t.Helper()
	rows := checkFrame(t, m)
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.TrimRight(ansi.Strip(r)[m.layout().tsW+m.layout().markW:], " ")
	}
	return out
}

// checkFrame asserts the frame's geometry and determinism; it returns the
// raw rows.
func checkFrame(t *testing.T, m Model) []string {
	t.Helper()
	v := m.View()
	if v2 := m.View(); v2 != v {
		t.Fatalf("two renders differ")
	}
	rows := strings.Split(v, "\n")
	if len(rows) != m.Height() {
		t.Fatalf("frame has %d rows, want %d", len(rows), m.Height())
	}
	for i, r := range rows {
		if w := ansi.StringWidth(r); w != m.Width() {
			t.Fatalf("row %d is %d cells wide, want %d: %q", i, w, m.Width(), r)
		}
	}
	return rows
}

func wantRows(t *testing.T, got []string, want ...string) {
	t.Helper()
	if len(got) < len(want) {
		t.Fatalf("got %d rows, want at least %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i] != w {
			t.Fatalf("row %d = %q, want %q\nframe:\n%s", i, got[i], w, strings.Join(got, "\n"))
		}
	}
}

func stripANSI(s string) string { return ansi.Strip(s) }

package main

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
)

// On a terminal, top redraws its block from the top left corner: a line
// wider than the terminal would wrap and a block taller than it would
// scroll, leaving each redraw over the remains of the last. The block is
// cut to the terminal, the rows left out are counted, and the notes of
// backends that did not answer stay.
func TestTopFitsTheTerminal(t *testing.T) {
	var sbs []backend.Sandbox
	for i := range 20 {
		sbs = append(sbs, backend.Sandbox{Source: "local", ID: fmt.Sprintf("oh-agent-server-%02d-一二三四五六七八九十", i), Status: backend.StatusRunning})
	}
	const width, height = 40, 8
	var out bytes.Buffer
	tr := &topRun{a: &app{io: stdio{out: &out, outTTY: true, outSize: func() (int, int, bool) { return width, height, true }}}}
	if err := tr.draw(sbs, map[string]rowStats{}, true, []string{"backend eval: not answering"}); err != nil {
		t.Fatal(err)
	}
	screen := ansi.Strip(out.String())
	lines := strings.Split(strings.TrimSuffix(screen, "\n"), "\n")
	if len(lines) > height-1 {
		t.Fatalf("%d lines on a %d-row terminal:\n%s", len(lines), height, screen)
	}
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("a %d-cell line on a %d-column terminal: %q", w, width, l)
		}
	}
	if !strings.HasPrefix(lines[0], "BACKEND") {
		t.Errorf("the header is not first: %q", lines[0])
	}
	if last := lines[len(lines)-1]; last != "! backend eval: not answering" {
		t.Errorf("the note is not last: %q", last)
	}
	// 21 lines of table: the header and 4 rows fit beside the count and
	// the note.
	if !strings.Contains(screen, "… 16 more") {
		t.Errorf("the rows left out are not counted:\n%s", screen)
	}

	// Unknown size, or not a terminal: every row, whole.
	out.Reset()
	tr.a.io.outSize = func() (int, int, bool) { return 0, 0, false }
	if err := tr.draw(sbs, map[string]rowStats{}, true, nil); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out.String(), "十"); n != len(sbs) {
		t.Errorf("with the size unknown %d of %d rows are whole", n, len(sbs))
	}
}

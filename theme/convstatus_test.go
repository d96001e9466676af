package theme

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
)

var execStatuses = []backend.ExecutionStatus{
	backend.ExecIdle, backend.ExecRunning, backend.ExecPaused, backend.ExecWaitingForConfirmation,
	backend.ExecFinished, backend.ExecError, backend.ExecStuck, backend.ExecDeleting, "",
}

// A conversation list must read without colour too: every execution
// status has its own one-cell glyph.
func TestExecGlyphsAreDistinctAndSingleCell(t *testing.T) {
	seen := map[string]backend.ExecutionStatus{}
	for _, s := range execStatuses {
		g := ExecGlyph(s)
		if other, dup := seen[g]; dup {
			t.Errorf("%q and %q share the glyph %q", s, other, g)
		}
		seen[g] = s
		if w := ansi.StringWidth(g); w != 1 {
			t.Errorf("glyph %q of %q is %d cells wide", g, s, w)
		}
	}
}

func TestExecRendersGlyphAndWord(t *testing.T) {
	th := New(true)
	if got := ansi.Strip(th.Exec(backend.ExecWaitingForConfirmation)); got != "? waiting_for_confirmation" {
		t.Errorf("Exec renders %q", got)
	}
	if got := ansi.Strip(th.Exec("")); got != "○ unknown" {
		t.Errorf("unknown status renders %q", got)
	}
}

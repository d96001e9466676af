package main

import (
	"fmt"
	"testing"
)

// On a short terminal the notes of the backends that did not answer are
// what says why rows are missing: they stay before the count of the rows
// left out does. A 3-row terminal (2 lines below the cursor's rest) has
// room for the header and the note; fitScreen showed the header and the
// count, and dropped the note.
func TestFaultTopShortTerminalDropsNotes(t *testing.T) {
	for _, c := range []struct{ h, notes int }{{3, 1}, {4, 2}, {5, 3}} {
		lines := []string{"BACKEND  ID"}
		for i := range 20 {
			lines = append(lines, fmt.Sprintf("local    sb-%02d", i))
		}
		var want []string
		for i := range c.notes {
			want = append(want, fmt.Sprintf("! backend b%d: not answering", i))
		}
		got := fitScreen(lines, want, func() (int, int, bool) { return 80, c.h, true })
		if len(got) > c.h-1 {
			t.Fatalf("h=%d: %d lines: %q", c.h, len(got), got)
		}
		if got[0] != "BACKEND  ID" {
			t.Errorf("h=%d: the header is not first: %q", c.h, got)
		}
		tail := got[len(got)-min(len(got), len(want)):]
		if fmt.Sprint(tail) != fmt.Sprint(want) {
			t.Errorf("h=%d: the notes did not stay: %q", c.h, got)
		}
	}
}

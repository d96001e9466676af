package main

import (
	"bufio"
	"bytes"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// TestFaultLogsOverlongLineWhole: the pieces of an overlong line
// (Line.Continues) are written back as the one line they were, with one
// timestamp, like docker logs prints it; `ohdash logs` used to break a
// 20 MB line into 20.
func TestFaultLogsOverlongLineWhole(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var buf bytes.Buffer
	lw := &lineWriter{w: bufio.NewWriter(&buf)}
	for _, l := range []logbuf.Line{
		{Time: at, Text: "ab", Continues: true}, {Time: at, Text: "cd", Continues: true}, {Time: at, Text: "ef"},
		{Time: at, Text: "gh"},
	} {
		if err := lw.write(l, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := lw.w.Flush(); err != nil {
		t.Fatal(err)
	}
	want := "2026-01-02T03:04:05Z abcdef\n2026-01-02T03:04:05Z gh\n"
	if got := buf.String(); got != want {
		t.Fatalf("wrote %q, want %q", got, want)
	}
}

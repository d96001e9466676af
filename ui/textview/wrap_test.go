package textview

import (
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// All views below are 10 cells wide: a 2-cell gutter and 8 cells of text.

func TestWrapASCIIExactWidths(t *testing.T) {
	m := newView(10, 5).Append(mkLines("12345678", "123456789", "1234567812345678", "")...).GotoTop()
	wantRows(t, frame(t, m), "12345678", "12345678", "9", "12345678", "12345678")
	m = m.ScrollDown(1)
	if got := frame(t, m.SetFollow(true)); got[4] != "" {
		t.Fatalf("empty line must render as an empty row, got %q", got[4])
	}
}

func TestWrapWideCharsNeverSplit(t *testing.T) {
	// 8 cells: "ab" + 3 wide chars fill a row exactly; with "abc" the third
	// wide char would need cells 8-9, so it moves whole to the next row.
	m := newView(10, 5).Append(mkLines("ab漢字か", "abc漢字かな", "😀😀😀😀x")...).GotoTop()
	wantRows(t, frame(t, m), "ab漢字か", "abc漢字", "かな", "😀😀😀😀", "x")
	// A wide char in a 1-cell text area cannot be drawn: it becomes a blank
	// cell rather than overflowing the row.
	m = newView(3, 2).Append(mk("漢a"))
	wantRows(t, frame(t, m), "", "a")
}

func TestWrapCombiningAndZWJStayTogether(t *testing.T) {
	// "é" as e + U+0301 and a ZWJ family emoji are single clusters.
	text := "abcdefge\u0301h👨\u200d👩\u200d👧z"
	m := newView(10, 3).Append(mk(text))
	wantRows(t, frame(t, m), "abcdefge\u0301", "h👨\u200d👩\u200d👧z")
}

func TestWrapCarriesSGRAcrossRows(t *testing.T) {
	m := newView(10, 3).Append(mk("\x1b[31mred-red-red\x1b[0m ok \x1b[1mbold"))
	rows := checkFrame(t, m)
	// Row 1 closes the colour; row 2 re-opens it before its first cell.
	if !strings.HasPrefix(rows[0][2:], "\x1b[31mred-red-") || !strings.HasSuffix(rows[0], "\x1b[m") {
		t.Fatalf("row 0 = %q", rows[0])
	}
	if !strings.HasPrefix(rows[1][2:], "\x1b[31mred\x1b[0m ok \x1b[1mb") {
		t.Fatalf("row 1 = %q", rows[1])
	}
	if !strings.HasPrefix(rows[2][2:], "\x1b[1mold") {
		t.Fatalf("row 2 = %q", rows[2])
	}
	wantRows(t, frame(t, m), "red-red-", "red ok b", "old")
}

func TestWrapDropsNonSGREscapes(t *testing.T) {
	// An unsanitised line cannot move the cursor or set a title through us.
	m := newView(10, 1).Append(mk("a\x1b[2Jb\x1b]0;t\x07c\x07d"))
	rows := checkFrame(t, m)
	if strings.Contains(rows[0], "[2J") || strings.Contains(rows[0], "\a") {
		t.Fatalf("escape leaked: %q", rows[0])
	}
}

func TestTruncateAndScrollHorizontally(t *testing.T) {
	m := newView(10, 2, WithWrap(false)).Append(mkLines("0123456789abcdef", "short")...)
	wantRows(t, frame(t, m), "0123456…", "short")
	m = m.ScrollRight() // step = textW/2 = 4
	wantRows(t, frame(t, m), "456789a…", "t")
	m = m.ScrollRight() // clamped: the widest visible line's end shows
	if m.XOffset() != 8 {
		t.Fatalf("XOffset = %d, want 8", m.XOffset())
	}
	wantRows(t, frame(t, m), "89abcdef", "")
	m = m.ScrollRight()
	if m.XOffset() != 8 {
		t.Fatalf("XOffset = %d after clamp, want 8", m.XOffset())
	}
	m = m.ScrollLeft().ScrollLeft().ScrollLeft()
	wantRows(t, frame(t, m), "0123456…", "short")
	// Wrapping resets the offset and ignores left/right.
	m = m.ScrollRight().SetWrap(true).ScrollRight()
	if m.XOffset() != 0 {
		t.Fatalf("XOffset = %d with wrap on", m.XOffset())
	}
}

func TestTruncateWideAndSGR(t *testing.T) {
	m := newView(10, 1, WithWrap(false)).Append(mk("\x1b[32m漢字かなカナ\x1b[m"))
	rows := checkFrame(t, m)
	// 7 cells are left before the marker: the 4th wide char does not fit.
	wantRows(t, frame(t, m), "漢字か …")
	if !strings.Contains(rows[0], "\x1b[32m漢") {
		t.Fatalf("colour lost: %q", rows[0])
	}
	// An odd offset cuts a wide char at the left edge: it shows as a space.
	m.xOff = 1
	wantRows(t, frame(t, m), " 字かな…")
	if rows := checkFrame(t, m); !strings.Contains(rows[0], "\x1b[32m") {
		t.Fatalf("colour before the left edge lost: %q", rows[0])
	}
}

func TestGutter(t *testing.T) {
	ts := time.Date(2026, 5, 1, 13, 4, 5, 678_000_000, time.UTC)
	lines := []logbuf.Line{
		{Time: ts, Stream: logbuf.Stdout, Text: "out", Width: 3},
		{Time: ts.Add(time.Second), Stream: logbuf.Stderr, Text: "err that wraps around", Width: 21},
		{Stream: logbuf.Stdout, Text: "no time", Width: 7},
	}
	m := newView(30, 4).Append(lines...)
	got := stripRows(checkFrame(t, m))
	wantRows(t, got, "  out", "E err that wraps around", "  no time")

	m = m.SetTimestamps(true).SetSize(32, 4) // 13 + 2 gutter, 17 text
	got = stripRows(checkFrame(t, m))
	wantRows(t, got,
		"13:04:05.678   out",
		"13:04:06.678 E err that wraps ar",
		"             E ound",
		"               no time")
	// Too narrow for timestamps: they give way to the text.
	m = m.SetSize(20, 4)
	if m.layout().tsW != 0 {
		t.Fatalf("timestamps kept at width 20")
	}
	checkFrame(t, m)
	// Narrower than the gutter: text only, still exact.
	for w := 1; w <= 4; w++ {
		checkFrame(t, m.SetSize(w, 4))
	}
}

func stripRows(rows []string) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = strings.TrimRight(stripANSI(r), " ")
	}
	return out
}

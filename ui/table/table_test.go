package table

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestLayoutSharesSpareAndDropsByPriority(t *testing.T) {
	cols := []Column{
		{Title: "STATUS", Min: 10},
		{Title: "NAME", Min: 12, Flex: 2},
		{Title: "IMAGE", Min: 10, Flex: 1, Drop: 2},
		{Title: "AGE", Min: 5, Drop: 1},
	}
	w := Layout(cols, 80)
	total := 0
	for _, x := range w {
		total += x
	}
	if total+3*gap != 80 {
		t.Fatalf("widths %v do not fill 80 cells", w)
	}
	if w[1] <= w[2] {
		t.Errorf("flex 2 column should be wider than flex 1: %v", w)
	}
	w = Layout(cols, 30)
	if w[2] != 0 || w[3] == 0 {
		t.Errorf("at 30 cells IMAGE (drop 2) should go before AGE (drop 1): %v", w)
	}
	w = Layout(cols, 20)
	if w[2] != 0 || w[3] != 0 || w[0] == 0 || w[1] == 0 {
		t.Errorf("at 20 cells only the undroppable columns stay: %v", w)
	}
}

func TestLayoutRespectsMax(t *testing.T) {
	cols := []Column{{Min: 4, Max: 6, Flex: 1}, {Min: 4, Flex: 1}}
	w := Layout(cols, 40)
	if w[0] != 6 || w[0]+w[1]+gap != 40 {
		t.Fatalf("got %v", w)
	}
}

func TestFitTruncatesStyledText(t *testing.T) {
	s := "\x1b[31mhello world\x1b[0m"
	got := Fit(s, 6, false)
	if ansi.StringWidth(got) != 6 || ansi.Strip(got) != "hello…" {
		t.Fatalf("Fit = %q", got)
	}
	if got := Fit("ab", 4, true); got != "  ab" {
		t.Fatalf("right align = %q", got)
	}
}

func TestWindowKeepsCursorVisible(t *testing.T) {
	cases := []struct{ cursor, offset, visible, total, want int }{
		{0, 0, 5, 100, 0},
		{7, 0, 5, 100, 3},
		{2, 3, 5, 100, 2},
		{99, 0, 5, 100, 95},
		{3, 90, 5, 10, 3},
		{9, 90, 5, 10, 5},
		{3, 50, 5, 100, 3},
	}
	for _, c := range cases {
		if got := Window(c.cursor, c.offset, c.visible, c.total); got != c.want {
			t.Errorf("Window(%d,%d,%d,%d) = %d, want %d", c.cursor, c.offset, c.visible, c.total, got, c.want)
		}
	}
}

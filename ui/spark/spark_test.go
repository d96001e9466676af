package spark

import (
	"math"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestLineWidths(t *testing.T) {
	vals := []float64{1, 2, 3, 4, 5, 6, 7, 8}
	for _, w := range []int{0, 1, 2, 3, 7, 8, 9, 31} {
		got := Line(vals, w, 8)
		if n := utf8.RuneCountInString(got); n != w {
			t.Errorf("width %d: %d cells %q", w, n, got)
		}
	}
	if got := Line(vals, 1, 8); got != "█" {
		t.Errorf("width 1 shows the newest value: %q", got)
	}
	if got := Line(vals, 3, 8); got != "▆▇█" {
		t.Errorf("width 3 keeps the newest three: %q", got)
	}
}

func TestLineScaling(t *testing.T) {
	if got := Line([]float64{0, 4, 8}, 3, 8); got != " ▄█" {
		t.Errorf("fixed top: %q", got)
	}
	// top <= 0 scales to the largest value shown.
	if got := Line([]float64{1, 2}, 2, 0); got != "▄█" {
		t.Errorf("auto top: %q", got)
	}
	// A tiny value still shows; zero does not; above top is clamped.
	if got := Line([]float64{0.001, 0, 50}, 3, 8); got != "▁ █" {
		t.Errorf("tiny/zero/overflow: %q", got)
	}
}

func TestLineGapsAndPadding(t *testing.T) {
	nan := math.NaN()
	if got := Line([]float64{8, nan, 8}, 3, 8); got != "█ █" {
		t.Errorf("NaN is a gap: %q", got)
	}
	if got := Line([]float64{8, math.Inf(1)}, 2, 0); got != "█ " {
		t.Errorf("Inf is a gap and does not set the scale: %q", got)
	}
	if got := Line([]float64{8}, 4, 8); got != "   █" {
		t.Errorf("few samples are right-aligned: %q", got)
	}
	if got := Line(nil, 3, 0); got != "   " {
		t.Errorf("no samples: %q", got)
	}
	if got := Line([]float64{nan, nan}, 2, 0); got != "  " {
		t.Errorf("only gaps: %q", got)
	}
}

func TestChartRows(t *testing.T) {
	rows := Chart([]float64{0, 8, 12, 16}, 4, 2, 16)
	want := []string{"  ▄█", " ███"}
	if strings.Join(rows, "|") != strings.Join(want, "|") {
		t.Fatalf("chart %q, want %q", rows, want)
	}
	if got := Chart([]float64{1}, 0, 3, 1); len(got) != 3 || got[0] != "" {
		t.Errorf("width 0 keeps the row count: %q", got)
	}
	if got := Chart([]float64{1}, 5, 0, 1); len(got) != 0 {
		t.Errorf("height 0: %q", got)
	}
	// Odd width and more samples than width.
	vals := make([]float64, 100)
	for i := range vals {
		vals[i] = float64(i)
	}
	for _, r := range Chart(vals, 7, 3, 0) {
		if n := utf8.RuneCountInString(r); n != 7 {
			t.Fatalf("row %q is %d cells", r, n)
		}
	}
}

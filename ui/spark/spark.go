// Package spark draws small charts in the terminal: a series of numbers
// as a row (a sparkline) or a few rows of block characters, newest on
// the right. Missing samples (NaN) are gaps, never zeros.
package spark

import (
	"math"
	"strings"
)

// levels are the eighths of a cell, from empty to full.
var levels = []rune{' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'}

// Chart draws the last width values of vals in height rows, top row
// first, each exactly width cells. Values are scaled so top is a full
// column (top <= 0 scales to the largest value shown). NaN values are
// gaps; fewer values than width leave the left side empty. A value above
// zero always shows at least the lowest mark, so "a little" never reads
// as "nothing".
func Chart(vals []float64, width, height int, top float64) []string {
	if width <= 0 || height <= 0 {
		return make([]string, max(0, height))
	}
	if len(vals) > width {
		vals = vals[len(vals)-width:]
	}
	if top <= 0 {
		top = Max(vals)
	}
	cells := height * 8
	// eighths[i] is how many eighths of the chart's height column i fills;
	// -1 is a gap.
	eighths := make([]int, width)
	pad := width - len(vals)
	for i := range eighths {
		if i < pad {
			eighths[i] = -1
			continue
		}
		eighths[i] = scale(vals[i-pad], top, cells)
	}
	rows := make([]string, height)
	var b strings.Builder
	for r := range height {
		b.Reset()
		floor := (height - 1 - r) * 8 // eighths below this row
		for _, e := range eighths {
			switch {
			case e < 0 || e <= floor:
				b.WriteRune(' ')
			case e >= floor+8:
				b.WriteRune('█')
			default:
				b.WriteRune(levels[e-floor])
			}
		}
		rows[r] = b.String()
	}
	return rows
}

// Line is a one-row chart.
func Line(vals []float64, width int, top float64) string {
	if width <= 0 {
		return ""
	}
	return Chart(vals, width, 1, top)[0]
}

// scale maps v onto 0..cells eighths; -1 for a gap.
func scale(v, top float64, cells int) int {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return -1
	}
	if v <= 0 || top <= 0 {
		return 0
	}
	e := int(math.Round(v / top * float64(cells)))
	return max(1, min(cells, e))
}

// Max is the largest value of vals that is a number (0 when none is).
func Max(vals []float64) float64 {
	m := 0.0
	for _, v := range vals {
		if !math.IsNaN(v) && !math.IsInf(v, 0) && v > m {
			m = v
		}
	}
	return m
}

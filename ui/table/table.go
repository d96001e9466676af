// Package table lays out and renders table rows for the list components.
// It is a renderer, not a model: callers keep the rows, the cursor and the
// scroll offset, and hand it only the rows that are visible, so a frame
// costs the same with ten rows or ten thousand.
package table

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// Column describes one column. When the table is too narrow, columns with
// the highest Drop value are left out first; Drop 0 is never left out.
type Column struct {
	Title string
	// Min is the narrowest the column may get; Max (0: no limit) the widest.
	Min, Max int
	// Flex shares out spare width: a column with Flex 2 gets twice the
	// spare cells of one with Flex 1. Flex 0 columns stay at Min.
	Flex int
	// Drop orders columns for dropping on narrow screens (0: never).
	Drop       int
	AlignRight bool
}

// gap is the space between columns.
const gap = 1

// Layout gives each column a width for a table width cells wide; a width
// of 0 means the column is left out.
func Layout(cols []Column, width int) []int {
	widths := make([]int, len(cols))
	on := make([]bool, len(cols))
	for i := range cols {
		on[i] = true
	}
	need := func() int {
		n := 0
		first := true
		for i, c := range cols {
			if !on[i] {
				continue
			}
			if !first {
				n += gap
			}
			first = false
			n += c.Min
		}
		return n
	}
	for need() > width {
		drop := -1
		for i, c := range cols {
			if on[i] && c.Drop > 0 && (drop < 0 || c.Drop > cols[drop].Drop) {
				drop = i
			}
		}
		if drop < 0 {
			break
		}
		on[drop] = false
	}
	spare := width - need()
	flexTotal := 0
	for i, c := range cols {
		if on[i] {
			widths[i] = c.Min
			flexTotal += c.Flex
		}
	}
	// Share spare cells by weight, capped by Max; what a capped column
	// cannot take goes round again to the others.
	for spare > 0 && flexTotal > 0 {
		given := 0
		nextFlex := 0
		for i, c := range cols {
			if !on[i] || c.Flex == 0 {
				continue
			}
			share := spare * c.Flex / flexTotal
			if share == 0 {
				share = 1
			}
			if c.Max > 0 && widths[i]+share > c.Max {
				share = c.Max - widths[i]
			}
			if given+share > spare {
				share = spare - given
			}
			widths[i] += share
			given += share
			if c.Max == 0 || widths[i] < c.Max {
				nextFlex += c.Flex
			}
		}
		spare -= given
		if given == 0 {
			break
		}
		flexTotal = nextFlex
	}
	return widths
}

// Styles are the styles a table is drawn with.
type Styles struct {
	Header   lipgloss.Style
	Cell     lipgloss.Style
	Selected lipgloss.Style
}

// Fit truncates or pads s (which may hold SGR styling) to exactly w cells.
func Fit(s string, w int, right bool) string {
	sw := ansi.StringWidth(s)
	if sw > w {
		s = ansi.Truncate(s, w, "…")
		sw = ansi.StringWidth(s)
	}
	pad := strings.Repeat(" ", max(0, w-sw))
	if right {
		return pad + s
	}
	return s + pad
}

// Header renders the header row.
func Header(cols []Column, widths []int, st Styles) string {
	cells := make([]string, 0, len(cols))
	for i, c := range cols {
		if widths[i] == 0 {
			continue
		}
		cells = append(cells, Fit(c.Title, widths[i], c.AlignRight))
	}
	return st.Header.Render(strings.Join(cells, strings.Repeat(" ", gap)))
}

// Row renders one row. Cells may carry their own styling; a selected row
// is shown in the selected style with cell colours removed, so the
// selection bar reads as one block.
func Row(cols []Column, widths []int, cells []string, selected bool, st Styles) string {
	out := make([]string, 0, len(cols))
	for i, c := range cols {
		if widths[i] == 0 {
			continue
		}
		v := ""
		if i < len(cells) {
			v = cells[i]
		}
		if selected {
			v = ansi.Strip(v)
		}
		out = append(out, Fit(v, widths[i], c.AlignRight))
	}
	line := strings.Join(out, strings.Repeat(" ", gap))
	if selected {
		return st.Selected.Render(line)
	}
	return st.Cell.Render(line)
}

// Window returns the first visible row so that cursor stays on screen,
// moving as little as possible from offset.
func Window(cursor, offset, visible, total int) int {
	if visible <= 0 || total <= visible {
		return 0
	}
	if cursor < offset {
		offset = cursor
	}
	if cursor >= offset+visible {
		offset = cursor - visible + 1
	}
	return max(0, min(offset, total-visible))
}

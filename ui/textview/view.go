package textview

import (
	"strings"

	"github.com/ohdash/ohdash/backend/logbuf"
)

const truncMarker = "…"

// View renders exactly Height rows of exactly Width cells (padded with
// spaces), so the layout around it never jitters. Only the visible lines are
// touched: the cost is O(screen) whatever the ring holds.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	lay := m.layout()
	r := m.st.r
	t := m.top(lay.textW)

	var (
		b    strings.Builder
		w    = rowWriter{pens: m.pens}
		buf  []cellRow
		offs []int
		rows int
	)
	b.Grow(m.height * (m.width + 16))
	for abs := t.abs; rows < m.height && abs <= r.last(); abs++ {
		e := r.at(abs)
		h := hlCursor{spans: m.spans(abs, e, &offs)}
		first := 0
		if abs == t.abs {
			first = t.sub
		}
		buf = buf[:0]
		if m.wrap {
			buf = w.wrapped(buf, e.line.Text, lay.textW, first, m.height-rows, h)
		} else {
			buf = append(buf, m.windowRow(&w, e, lay.textW, h))
		}
		for i, cr := range buf {
			if rows > 0 {
				b.WriteByte('\n')
			}
			m.writeGutter(&b, e, lay, first+i == 0)
			b.WriteString(cr.s)
			writeSpaces(&b, lay.textW-cr.w)
			rows++
		}
	}
	for ; rows < m.height; rows++ {
		if rows > 0 {
			b.WriteByte('\n')
		}
		writeSpaces(&b, m.width)
	}
	return b.String()
}

// windowRow renders an unwrapped line from the horizontal offset, ending in
// a marker when the line goes on past the right edge.
func (m Model) windowRow(w *rowWriter, e *entry, textW int, h hlCursor) cellRow {
	cut := e.line.Width > m.xOff+textW
	if !cut {
		return w.window(e.line.Text, m.xOff, textW, h)
	}
	cr := w.window(e.line.Text, m.xOff, textW-1, h)
	pad := strings.Repeat(" ", textW-1-cr.w)
	return cellRow{s: cr.s + pad + m.pens.trunc + truncMarker + sgrReset, w: textW}
}

// writeGutter writes the time column (first row of a line only) and the
// stream marker (every row of a stderr line, so a wrapped stderr line is
// marked all the way down). The marker is a letter, not just a colour, so it
// reads the same without colour.
func (m Model) writeGutter(b *strings.Builder, e *entry, lay layout, firstRow bool) {
	if lay.tsW > 0 {
		if firstRow && !e.line.Time.IsZero() {
			b.WriteString(m.pens.ts)
			b.WriteString(e.line.Time.In(m.loc).Format(tsLayout))
			b.WriteString(sgrReset)
			b.WriteByte(' ')
		} else {
			writeSpaces(b, lay.tsW)
		}
	}
	if lay.markW > 0 {
		if e.line.Stream == logbuf.Stderr {
			b.WriteString(m.pens.stderr)
			b.WriteString("E")
			b.WriteString(sgrReset)
			b.WriteByte(' ')
		} else {
			writeSpaces(b, lay.markW)
		}
	}
}

const spaces64 = "                                                                "

func writeSpaces(b *strings.Builder, n int) {
	for n > len(spaces64) {
		b.WriteString(spaces64)
		n -= len(spaces64)
	}
	if n > 0 {
		b.WriteString(spaces64[:n])
	}
}

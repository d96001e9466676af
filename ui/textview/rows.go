package textview

import (
	"strings"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// rowCount is the number of rows a line takes at text width textW with
// wrapping on. Short lines and pure-ASCII lines are answered from the width
// measured when the line was made, without touching the text; only long
// lines with wide characters or escapes are walked.
func rowCount(l *logbuf.Line, textW int) int {
	if l.Width <= textW {
		return 1
	}
	if len(l.Text) == l.Width {
		// One byte per cell means printable ASCII only: fixed-width rows.
		return (l.Width + textW - 1) / textW
	}
	rows, col := 1, 0
	for i := 0; i < len(l.Text); {
		kind, j, cw := nextToken(l.Text, i)
		if kind == tokText {
			if col+cw > textW && col > 0 {
				rows++
				col = 0
			}
			col += cw
		}
		i = j
	}
	return rows
}

// locate returns the wrapped row (0 when not wrapping) and the cell column
// within it at which plain-text offset off falls.
func locate(text string, textW int, wrap bool, off int) (row, col int) {
	plain := 0
	for i := 0; i < len(text); {
		kind, j, cw := nextToken(text, i)
		switch kind {
		case tokText:
			if wrap && col+cw > textW && col > 0 {
				row++
				col = 0
			}
			if plain+(j-i) > off {
				return row, col
			}
			col += cw
			plain += j - i
		case tokCtl:
			plain += j - i
		}
		i = j
	}
	return row, col
}

// cellRow is one rendered row of text and its width in cells.
type cellRow struct {
	s string
	w int
}

// hlKind says how a grapheme is highlighted.
type hlKind uint8

const (
	hlNone hlKind = iota
	hlMatch
	hlCurrent
)

// span is a search match in plain-text offsets [start, end).
type span struct {
	start, end int
	current    bool
}

// hlCursor walks sorted, non-overlapping spans alongside a line walk.
type hlCursor struct {
	spans []span
	k     int
}

// at returns the highlight of the grapheme covering plain offsets [p, p+n).
// Calls must come with non-decreasing p.
func (h *hlCursor) at(p, n int) hlKind {
	for h.k < len(h.spans) && h.spans[h.k].end <= p {
		h.k++
	}
	if h.k < len(h.spans) && h.spans[h.k].start < p+n {
		if h.spans[h.k].current {
			return hlCurrent
		}
		return hlMatch
	}
	return hlNone
}

const sgrReset = "\x1b[m"

// rowWriter renders rows that are self-contained: each starts by restoring
// the SGR state active at its first cell and ends with a reset, so a row can
// be drawn next to a gutter (or alone) without colour leaking in or out.
type rowWriter struct {
	sb     strings.Builder
	active []byte // SGR sequences in effect since the last full reset
	hl     hlKind
	w      int
	pens   *pens
	// joins is set when the last grapheme written is not ASCII: it might
	// cluster with whatever follows the row (a Prepend character takes the
	// padding space with it), so the row then ends with an escape, which
	// breaks clusters in the terminal's decoder.
	joins bool
	// brk is set when a dropped escape or control separated the next
	// grapheme from the previous one: without something in between they
	// could fuse into one cluster of another width.
	brk bool
}

func (w *rowWriter) beginLine() { w.active = w.active[:0] }

func (w *rowWriter) startRow() {
	w.sb.Reset()
	w.w = 0
	w.hl = hlNone
	w.joins = false
	w.brk = false
	w.sb.Write(w.active)
}

// other handles a token that is not text: an SGR sequence is recorded (and
// written when drawing); controls and other escapes are left out, and the
// next grapheme is fenced off. It returns the token's plain-text length.
func (w *rowWriter) other(kind tokKind, tok string, draw bool) int {
	if kind == tokSGR {
		w.sgr(tok, draw)
		return 0
	}
	w.brk = true
	if kind == tokCtl {
		return len(tok)
	}
	return 0
}

// pen rewrites the attributes in effect: a visual no-op that still breaks
// grapheme clusters in the terminal's decoder.
func (w *rowWriter) pen() {
	switch w.hl {
	case hlMatch:
		w.sb.WriteString(w.pens.match)
	case hlCurrent:
		w.sb.WriteString(w.pens.current)
	default:
		if len(w.active) > 0 {
			w.sb.Write(w.active)
		} else {
			w.sb.WriteString(sgrReset)
		}
	}
}

func (w *rowWriter) endRow() cellRow {
	if len(w.active) > 0 || w.hl != hlNone || w.joins {
		w.sb.WriteString(sgrReset)
	}
	return cellRow{s: w.sb.String(), w: w.w}
}

// sgr records an SGR sequence and, when the row is being drawn and no
// highlight overrides the line's own colours, writes it.
func (w *rowWriter) sgr(seq string, draw bool) {
	switch {
	case !sgrResets(seq):
		w.active = append(w.active, seq...)
	case onlyZeros(seq[2 : len(seq)-1]):
		w.active = w.active[:0]
	default: // "ESC[0;31m": a reset, then new attributes
		w.active = append(w.active[:0], seq...)
	}
	if draw && w.hl == hlNone {
		w.sb.WriteString(seq)
	}
}

// text writes one grapheme (or filler) of width cw under highlight kind.
// A non-ASCII grapheme opening the row is fenced off from the gutter (a
// spacing mark would otherwise fuse with the gutter's last space).
func (w *rowWriter) text(s string, cw int, kind hlKind) {
	switch {
	case kind != w.hl:
		w.sb.WriteString(sgrReset)
		w.hl = kind
		w.pen()
	case w.brk || (w.sb.Len() == 0 && s[0] >= utf8.RuneSelf):
		w.pen()
	}
	w.brk = false
	w.sb.WriteString(s)
	w.w += cw
	w.joins = s[len(s)-1] >= utf8.RuneSelf
}

// wrapped appends rows [first, first+n) of text wrapped at textW cells.
// Rows break at cell boundaries; a wide grapheme that does not fit at the
// end of a row moves whole to the next one.
func (w *rowWriter) wrapped(dst []cellRow, text string, textW, first, n int, h hlCursor) []cellRow {
	w.beginLine()
	row, col, plain, end := 0, 0, 0, first+n
	if first == 0 {
		w.startRow()
	}
	for i := 0; i < len(text); {
		kind, j, cw := nextToken(text, i)
		switch kind {
		case tokText:
			if col+cw > textW && col > 0 {
				if row >= first {
					dst = append(dst, w.endRow())
				}
				row++
				col = 0
				if row >= end {
					return dst
				}
				if row >= first {
					w.startRow()
				}
			}
			if row >= first {
				if cw > textW { // a wide grapheme in a one-cell view
					w.text(strings.Repeat(" ", textW), textW, h.at(plain, j-i))
				} else {
					w.text(text[i:j], cw, h.at(plain, j-i))
				}
			}
			col += cw
			plain += j - i
		default:
			plain += w.other(kind, text[i:j], row >= first)
		}
		i = j
	}
	if row >= first && row < end {
		dst = append(dst, w.endRow())
	}
	return dst
}

// window renders the cells [x, x+limit) of an unwrapped line. The walk stops
// at the right edge, so a long line costs O(x+limit), not O(len).
func (w *rowWriter) window(text string, x, limit int, h hlCursor) cellRow {
	w.beginLine()
	col, plain, started := 0, 0, false
	for i := 0; i < len(text); {
		kind, j, cw := nextToken(text, i)
		switch kind {
		case tokText:
			if col+cw > x+limit {
				i = len(text)
				continue
			}
			if col+cw > x {
				if !started {
					w.startRow()
					started = true
				}
				if col >= x {
					w.text(text[i:j], cw, h.at(plain, j-i))
				} else { // a wide grapheme cut by the left edge
					w.text(strings.Repeat(" ", col+cw-x), col+cw-x, h.at(plain, j-i))
				}
			}
			col += cw
			plain += j - i
		default:
			plain += w.other(kind, text[i:j], started)
		}
		i = j
	}
	if !started {
		w.startRow()
	}
	return w.endRow()
}

package sanitize

import (
	"unicode/utf8"
)

const (
	esc = 0x1b
	bel = 0x07
	can = 0x18
	sub = 0x1a
)

// replacement is U+FFFD, written for every byte of invalid UTF-8.
var replacement = []byte("\uFFFD")

// scan walks one line, sending text, SGR changes and cursor actions to the
// output. In linear mode it returns true as soon as the line needs the cell
// model (it moves the cursor backwards or erases); the caller then rescans.
func (s *Sanitizer) scan(src []byte) (needCells bool) {
	for i := 0; i < len(src); {
		c := src[i]
		switch {
		case c >= 0x20 && c < 0x7f:
			j := i + 1
			for j < len(src) && src[j] >= 0x20 && src[j] < 0x7f {
				j++
			}
			ascii := true
			if j < len(src) && src[j] >= 0x80 {
				k := scanText(src, j)
				ascii, j = k == j, k
			}
			s.text(src[i:j], ascii)
			i = j
		case c == esc:
			i, needCells = s.escape(src, i+1)
		case c < 0x20 || c == 0x7f:
			i++
			needCells = s.control(c)
		default:
			r, size := utf8.DecodeRune(src[i:])
			switch {
			case r == utf8.RuneError && size == 1:
				s.text(replacement, false)
				i++
			case r < 0xa0:
				i, needCells = s.c1(r, src, i+size)
			case dropRune(r):
				i += size
			default:
				j := scanText(src, i)
				s.text(src[i:j], false)
				i = j
			}
		}
		if needCells {
			return true
		}
	}
	return false
}

// scanText returns the end of the run of printable text starting at i:
// printable ASCII and valid UTF-8 outside the C1 and bidi-control ranges.
func scanText(src []byte, i int) int {
	for i < len(src) {
		c := src[i]
		if c >= 0x20 && c < 0x7f {
			i++
			continue
		}
		if c < 0x80 {
			return i
		}
		r, size := utf8.DecodeRune(src[i:])
		if (r == utf8.RuneError && size == 1) || r < 0xa0 || dropRune(r) {
			return i
		}
		i += size
	}
	return i
}

// dropRune reports format characters that are dropped although printable:
// bidirectional embeddings, overrides, isolates and marks (they can reorder
// what a bidi-aware terminal shows, as in "Trojan Source"), and the Unicode
// line and paragraph separators (they can forge line breaks).
func dropRune(r rune) bool {
	switch {
	case r == 0xfeff:
		return true
	case r < 0x061c || r > 0x2069:
		return false
	case r == 0x061c, r == 0x200b, r == 0x200c, r == 0x200e, r == 0x200f,
		r >= 0x2028 && r <= 0x202e, r == 0x2060, r >= 0x2066:
		// Bidi controls, and the invisible zero-width characters (space,
		// non-joiner, word joiner; the BOM above): terminals disagree on
		// their width, so a row holding one can leave stale cells behind,
		// and they hide differences between two texts from a reader. The
		// zero-width joiner stays: emoji sequences are built with it.
		return true
	}
	return false
}

// control handles a C0 control character or DEL.
func (s *Sanitizer) control(c byte) (needCells bool) {
	switch c {
	case '\t':
		s.tabStop()
	case '\r':
		if s.opts.Literal {
			s.text([]byte(" "), true)
			return false
		}
		if !s.cellMode {
			return true
		}
		s.cursor = 0
	case '\b':
		if s.opts.Literal {
			return false
		}
		if !s.cellMode {
			return true
		}
		s.cursor = max(s.cursor-1, 0)
	}
	return false
}

// c1 handles a C1 control that arrived as UTF-8 (U+0080–U+009F): the
// introducers start the same sequences as their 7-bit ESC forms; the rest
// are dropped. i is the index after the control.
func (s *Sanitizer) c1(r rune, src []byte, i int) (int, bool) {
	switch r {
	case 0x9b: // CSI
		return s.csi(src, i)
	case 0x9d: // OSC
		return skipString(src, i, true), false
	case 0x90, 0x98, 0x9e, 0x9f: // DCS, SOS, PM, APC
		return skipString(src, i, false), false
	}
	return i, false
}

// escape handles the sequence after an ESC at i-1 and returns where the
// next token starts. A malformed sequence is dropped up to the offending
// byte, which is then read again, as a terminal's parser does.
func (s *Sanitizer) escape(src []byte, i int) (int, bool) {
	if i >= len(src) {
		return i, false
	}
	switch c := src[i]; {
	case c == '[':
		return s.csi(src, i+1)
	case c == ']':
		return skipString(src, i+1, true), false
	case c == 'P' || c == 'X' || c == '^' || c == '_':
		return skipString(src, i+1, false), false
	case c >= 0x20 && c <= 0x2f:
		// nF escape (charset designation and the like): intermediates, then
		// one final byte.
		j := i + 1
		for j < len(src) && src[j] >= 0x20 && src[j] <= 0x2f {
			j++
		}
		if j < len(src) && src[j] >= 0x30 && src[j] <= 0x7e {
			j++
		}
		return j, false
	case c >= 0x30 && c <= 0x7e:
		return i + 1, false // two-byte escape: ESC 7, ESC 8, ESC c, ESC =, …
	}
	return i, false // ESC before a control, ESC or non-ASCII: drop the ESC
}

// skipString skips a control string (OSC, DCS, SOS, PM, APC) up to its
// terminator: ST (ESC \ or U+009C), BEL for OSC, or CAN/SUB, which abort it.
// Another ESC ends the string and starts a new sequence. An unterminated
// string runs to the end of the line.
func skipString(src []byte, i int, belEnds bool) int {
	for j := i; j < len(src); j++ {
		switch src[j] {
		case bel:
			if belEnds {
				return j + 1
			}
		case esc:
			if j+1 < len(src) && src[j+1] == '\\' {
				return j + 2
			}
			return j
		case can, sub:
			return j + 1
		case 0xc2:
			if j+1 < len(src) && src[j+1] == 0x9c {
				return j + 2
			}
		}
	}
	return len(src)
}

// csi parses a control sequence whose parameters start at i. SGR updates
// the style; the horizontal cursor moves and erase-in-line act on the line;
// everything else is dropped.
func (s *Sanitizer) csi(src []byte, i int) (int, bool) {
	var private, inter, bad bool
	for j := i; j < len(src); j++ {
		c := src[j]
		switch {
		case c >= 0x30 && c <= 0x3f:
			bad = bad || inter
			private = private || c >= 0x3c
		case c >= 0x20 && c <= 0x2f:
			inter = true
		case c >= 0x40 && c <= 0x7e:
			if bad || inter || private {
				return j + 1, false
			}
			return j + 1, s.dispatch(c, src[i:j])
		case c == esc:
			return j, false
		case c == can || c == sub:
			return j + 1, false
		case c < 0x20 || c == 0x7f:
			bad = true
		default:
			return j, false // non-ASCII ends the sequence; read it as text
		}
	}
	return len(src), false
}

// dispatch acts on a complete, well-formed CSI sequence with final byte f.
func (s *Sanitizer) dispatch(f byte, params []byte) (needCells bool) {
	switch f {
	case 'm':
		if !s.opts.StripColor {
			s.cur = applySGR(s.cur, params)
		}
		return false
	case 'K':
		n, ok := firstParam(params, 0)
		if !ok || n == 0 && !s.cellMode {
			return false // erasing right of the end of the line: nothing to do
		}
	case 'C', 'a', 'D', 'G', '`':
		if _, ok := firstParam(params, 1); !ok {
			return false
		}
	default:
		return false
	}
	if s.opts.Literal {
		return false // shown as written: nothing moves or erases
	}
	if !s.cellMode {
		return true
	}
	s.cursorOp(f, params)
	return false
}

// firstParam returns the first numeric parameter of a cursor sequence, or
// def when it is missing or 0 (for moves, where 0 means 1).
func firstParam(params []byte, def int) (int, bool) {
	n, seen := 0, false
	for _, c := range params {
		switch {
		case c >= '0' && c <= '9':
			n = min(n*10+int(c-'0'), sgrMaxValue)
			seen = true
		case c == ';':
			return orDefault(n, seen, def), true
		default:
			return 0, false // sub-parameters: not a form we know
		}
	}
	return orDefault(n, seen, def), true
}

func orDefault(n int, seen bool, def int) int {
	if !seen || (n == 0 && def > 0) {
		return def
	}
	return n
}

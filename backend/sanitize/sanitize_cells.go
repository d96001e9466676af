package sanitize

// spaces backs tab expansion in linear mode (tab stops are at most 32 apart).
const spaces = "                                "

// cursorSlack bounds how far right of the input's length a cursor sequence
// may move, so "ESC [ 9999 C" cannot turn a few bytes into kilobytes.
const cursorSlack = 256

// cell is one terminal cell of a line in cell mode.
type cell struct {
	off, n int32 // the cluster's bytes in the arena
	// w is 1 or 2 for a cell holding a cluster and 0 for the right half
	// of a wide one.
	w  int8
	st style
}

// text writes a run of printable text (ascii: only printable ASCII).
func (s *Sanitizer) text(b []byte, ascii bool) {
	if s.cellMode {
		s.cellText(b, ascii)
		return
	}
	if !ascii {
		if len(s.out) == s.start {
			// Nothing before to combine with, as at column 0 of a terminal.
			b = dropLeadingZeroWidth(b)
			if len(b) == 0 {
				return
			}
		}
		s.dirty, s.nonASCII = true, true
	} else {
		s.col += len(b)
	}
	s.useStyle(s.cur)
	s.out = append(s.out, b...)
}

func dropLeadingZeroWidth(b []byte) []byte {
	skip := 0
	eachCluster(b, func(cl []byte, w int) bool {
		if w > 0 {
			return false
		}
		skip += len(cl)
		return true
	})
	return b[skip:]
}

// tabStop moves to the next tab stop. Like a terminal's tab, it does not
// paint: the cells it skips are blank in the default style.
func (s *Sanitizer) tabStop() {
	if s.cellMode {
		target := (s.cursor/s.tab + 1) * s.tab
		s.padCells(target)
		s.cursor = target
		return
	}
	if s.dirty {
		s.col = s.markCol + displayWidth(s.out[s.mark:])
		s.dirty = false
	}
	n := s.tab - s.col%s.tab
	s.useStyle(style{})
	s.out = append(s.out, spaces[:n]...)
	s.col += n
	s.mark, s.markCol = len(s.out), s.col
}

func (s *Sanitizer) cellText(b []byte, ascii bool) {
	base := len(s.arena)
	s.arena = append(s.arena, b...)
	if ascii {
		for i := range b {
			s.put(int32(base+i), 1, 1)
		}
		return
	}
	s.nonASCII = true
	off := int32(base)
	eachCluster(b, func(cl []byte, w int) bool {
		s.put(off, int32(len(cl)), w)
		off += int32(len(cl))
		return true
	})
}

// put writes one cluster of width w at the cursor, overwriting what is
// there. A wide cluster cut in half loses its other half to a blank, as in a
// terminal. Zero-width clusters combine with the cell left of the cursor.
func (s *Sanitizer) put(off, n int32, w int) {
	if w <= 0 {
		s.attach(off, n)
		return
	}
	w = min(w, 2)
	s.padCells(s.cursor)
	end := s.cursor + w
	if s.cursor < len(s.cells) && s.cells[s.cursor].w == 0 {
		s.blank(s.cursor - 1)
	}
	if end-1 < len(s.cells) && s.cells[end-1].w == 2 && end < len(s.cells) {
		s.blank(end)
	}
	for len(s.cells) < end {
		s.cells = append(s.cells, cell{})
	}
	s.cells[s.cursor] = cell{off: off, n: n, w: int8(w), st: s.cur}
	if w == 2 {
		s.cells[s.cursor+1] = cell{st: s.cur}
	}
	s.cursor = end
}

func (s *Sanitizer) attach(off, n int32) {
	p := s.cursor - 1
	if p < 0 || p >= len(s.cells) {
		return // nothing to combine with
	}
	if s.cells[p].w == 0 {
		p-- // the right half of a wide cluster: combine with its head
	}
	c := &s.cells[p]
	start := int32(len(s.arena))
	s.arena = append(s.arena, s.arena[c.off:c.off+c.n]...)
	s.arena = append(s.arena, s.arena[off:off+n]...)
	c.off, c.n = start, c.n+n
}

// blank turns cell p into a space, keeping its style.
func (s *Sanitizer) blank(p int) {
	s.cells[p] = cell{off: 0, n: 1, w: 1, st: s.cells[p].st}
}

// padCells extends the line with default-style blanks up to column to.
func (s *Sanitizer) padCells(to int) {
	for len(s.cells) < to {
		s.cells = append(s.cells, cell{off: 0, n: 1, w: 1})
	}
}

// cursorOp applies a horizontal cursor move or erase-in-line in cell mode.
func (s *Sanitizer) cursorOp(f byte, params []byte) {
	limit := s.srcLen + cursorSlack
	switch f {
	case 'C', 'a': // CUF, HPR
		n, _ := firstParam(params, 1)
		s.cursor = max(s.cursor, min(s.cursor+n, limit))
	case 'D': // CUB
		n, _ := firstParam(params, 1)
		s.cursor = max(s.cursor-n, 0)
	case 'G', '`': // CHA, HPA
		n, _ := firstParam(params, 1)
		s.cursor = min(n-1, limit)
	case 'K': // EL
		n, _ := firstParam(params, 0)
		s.eraseLine(n)
	}
}

func (s *Sanitizer) eraseLine(mode int) {
	switch mode {
	case 0: // cursor to end
		if s.cursor < len(s.cells) {
			if s.cells[s.cursor].w == 0 {
				s.blank(s.cursor - 1)
			}
			s.cells = s.cells[:s.cursor]
		}
	case 1: // start to cursor, inclusive
		end := s.cursor + 1
		if end >= len(s.cells) {
			s.cells = s.cells[:0]
			return
		}
		if s.cells[end].w == 0 {
			s.blank(end)
		}
		for p := range end {
			s.cells[p] = cell{off: 0, n: 1, w: 1}
		}
	case 2: // whole line
		s.cells = s.cells[:0]
	}
}

// flushCells writes the line's cells to the output.
func (s *Sanitizer) flushCells() {
	for _, c := range s.cells {
		if c.w == 0 {
			continue
		}
		s.useStyle(c.st)
		s.out = append(s.out, s.arena[c.off:c.off+c.n]...)
		s.col += int(c.w)
	}
}

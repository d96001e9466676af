package textview

// pos is a row of the view: a line (absolute index) and a wrapped row in it.
// Positions never count rows from the top of the ring, so moving costs the
// rows moved over, not the lines above.
type pos struct{ abs, sub int }

func (p pos) before(q pos) bool { return p.abs < q.abs || (p.abs == q.abs && p.sub < q.sub) }

// layout is how a row's width is split between gutter and text.
type layout struct{ tsW, markW, textW int }

const (
	tsLayout  = "15:04:05.000"
	tsCols    = len(tsLayout) + 1 // time and a space
	markCols  = 2                 // marker and a space
	minTextTS = 16                // narrower than this, timestamps give way to text
)

func (m Model) layout() layout {
	l := layout{}
	if m.timestamps && m.width-tsCols-markCols >= minTextTS {
		l.tsW = tsCols
	}
	if m.width-l.tsW-markCols >= 1 {
		l.markW = markCols
	}
	l.textW = max(1, m.width-l.tsW-l.markW)
	return l
}

// rows is how many rows line abs takes.
func (m Model) rows(abs, textW int) int {
	if !m.wrap {
		return 1
	}
	return rowCount(&m.st.r.at(abs).line, textW)
}

// bottomTop is the top row that puts the newest line's last row at the
// bottom of the view (or the first row, when everything fits). It walks back
// at most height lines.
func (m Model) bottomTop(textW int) pos {
	r := m.st.r
	need := m.height
	for abs := r.last(); abs >= r.first; abs-- {
		n := m.rows(abs, textW)
		if n >= need {
			return pos{abs, n - need}
		}
		need -= n
	}
	return pos{abs: r.first}
}

// clamp moves p onto a row that exists: the oldest line if p's line was
// evicted, the last row of its line if the width changed under it.
func (m Model) clamp(p pos, textW int) pos {
	r := m.st.r
	switch {
	case r.n == 0 || p.abs < r.first:
		return pos{abs: r.first}
	case p.abs > r.last():
		return pos{abs: r.last()}
	}
	p.sub = min(max(p.sub, 0), m.rows(p.abs, textW)-1)
	return p
}

// top is the first visible row.
func (m Model) top(textW int) pos {
	bt := m.bottomTop(textW)
	if m.follow {
		return bt
	}
	p := m.clamp(m.anchor, textW)
	if bt.before(p) {
		return bt // never leave blank rows under the last line
	}
	return p
}

// down moves n rows towards the newest line, stopping at its last row.
func (m Model) down(p pos, n, textW int) pos {
	last := m.st.r.last()
	for n > 0 && m.st.r.n > 0 {
		r := m.rows(p.abs, textW)
		if p.sub+n < r {
			p.sub += n
			return p
		}
		if p.abs >= last {
			p.sub = r - 1
			return p
		}
		n -= r - p.sub
		p = pos{abs: p.abs + 1}
	}
	return p
}

// up moves n rows towards the oldest line, stopping at its first row.
func (m Model) up(p pos, n, textW int) pos {
	first := m.st.r.first
	for n > 0 {
		if n <= p.sub {
			p.sub -= n
			return p
		}
		if p.abs <= first {
			return pos{abs: first}
		}
		n -= p.sub + 1
		p.abs--
		p.sub = m.rows(p.abs, textW) - 1
	}
	return p
}

// moved records that the user moved the view, so a search still counting
// must not move it again when it meets its first match.
func (m Model) moved() Model {
	m.st.s.wantJump = false
	return m
}

// ScrollUp moves the view n rows up and leaves follow mode.
func (m Model) ScrollUp(n int) Model {
	m = m.moved()
	textW := m.layout().textW
	m.anchor = m.up(m.top(textW), max(0, n), textW)
	m.follow = false
	return m
}

// ScrollDown moves the view n rows down, no further than the last row. It
// does not re-enter follow mode: GotoBottom (or SetFollow) does.
func (m Model) ScrollDown(n int) Model {
	if m.follow {
		return m
	}
	m = m.moved()
	textW := m.layout().textW
	p := m.down(m.top(textW), max(0, n), textW)
	if bt := m.bottomTop(textW); bt.before(p) {
		p = bt
	}
	m.anchor = p
	return m
}

// PageUp scrolls up one view height.
func (m Model) PageUp() Model { return m.ScrollUp(max(1, m.height)) }

// PageDown scrolls down one view height.
func (m Model) PageDown() Model { return m.ScrollDown(max(1, m.height)) }

// HalfPageUp scrolls up half a view height.
func (m Model) HalfPageUp() Model { return m.ScrollUp(max(1, m.height/2)) }

// HalfPageDown scrolls down half a view height.
func (m Model) HalfPageDown() Model { return m.ScrollDown(max(1, m.height/2)) }

// GotoTop shows the oldest line held and leaves follow mode. O(1).
func (m Model) GotoTop() Model {
	m = m.moved()
	m.anchor, m.follow = pos{abs: m.st.r.first}, false
	return m
}

// GotoBottom shows the newest line and enters follow mode. O(1).
func (m Model) GotoBottom() Model {
	m = m.moved()
	m.follow = true
	return m
}

// SetFollow enters or leaves follow mode. Leaving keeps the view where it is.
func (m Model) SetFollow(on bool) Model {
	if on == m.follow {
		return m
	}
	m = m.moved()
	if !on {
		m.anchor = m.top(m.layout().textW)
	}
	m.follow = on
	return m
}

// ScrollLeft moves an unwrapped view left by half its text width.
func (m Model) ScrollLeft() Model {
	if m.wrap {
		return m
	}
	m.xOff = max(0, m.xOff-m.hStep())
	return m
}

// ScrollRight moves an unwrapped view right by half its text width, no
// further than needed to show the end of the widest visible line.
func (m Model) ScrollRight() Model {
	if m.wrap {
		return m
	}
	textW := m.layout().textW
	widest := 0
	r := m.st.r
	t := m.top(textW)
	for abs := t.abs; abs <= r.last() && abs < t.abs+m.height; abs++ {
		widest = max(widest, r.at(abs).line.Width)
	}
	m.xOff = max(m.xOff, min(m.xOff+m.hStep(), widest-textW))
	return m
}

func (m Model) hStep() int { return max(1, m.layout().textW/2) }

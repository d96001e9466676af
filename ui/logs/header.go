package logs

import (
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// segment is one piece of the header. When the header is too wide, the
// pieces with the highest drop rank go first; ranks up to keepRank are never
// dropped, only shortened (short) or, as a last resort, cut at the end.
type segment struct {
	text  string
	short string // a shorter form, or ""
	st    lipgloss.Style
	drop  int
}

// Drop ranks: the higher, the sooner a segment goes when space is short.
// Title, state, loss counters and the search status are never dropped.
const (
	keepRank    = 2
	pausedRank  = 4 // "paused" is news; "follow" is the default
	shortRank   = 5 // using short forms (the state's reason goes)
	followRank  = 6
	linesRank   = 7
	wrapRank    = 8
	timeRank    = 9
	minTitleLen = 12
)

// headerView renders the one-row header: title, stream state, line counts,
// what was lost, search status and view modes; or the search input while it
// has focus.
func (m Model) headerView() string {
	if m.capturing {
		return fit(m.input.View(), m.width)
	}
	s := m.styles
	title := sanitizeHeader(m.title)
	if title == "" {
		title = "logs"
	}
	titleSt := s.titleBlurred
	if m.focused {
		titleSt = s.title
	}
	segs := []segment{{text: title, st: titleSt}, m.stateSegment()}
	if m.phase != phaseIdle && m.phase != phaseFailed {
		segs = append(segs, segment{text: count(m.view.Len(), "line"), st: s.muted, drop: linesRank})
	}
	if n := m.view.Evicted(); n > 0 {
		segs = append(segs, segment{text: formatInt(n) + " evicted", st: s.muted, drop: keepRank})
	}
	if m.dropped > 0 {
		segs = append(segs, segment{text: formatUint(m.dropped) + " dropped", st: s.warn, drop: keepRank})
	}
	if st := m.view.SearchStatus(); st.Query != "" {
		txt, st2 := "/"+sanitizeHeader(st.Query)+" ", s.accent
		switch {
		case st.Counting:
			txt += formatInt(st.Total) + "+" // still counting
		case st.Total == 0:
			txt, st2 = txt+"no match", s.warn
		case st.Current == 0:
			txt += "-/" + formatInt(st.Total)
		default:
			txt += formatInt(st.Current) + "/" + formatInt(st.Total)
		}
		segs = append(segs, segment{text: txt, st: st2, drop: keepRank})
	}
	if m.view.Following() {
		segs = append(segs, segment{text: "follow", st: s.ok, drop: followRank})
	} else {
		segs = append(segs, segment{text: "paused", st: s.warn, drop: pausedRank})
	}
	switch {
	case m.view.Wrapping():
		segs = append(segs, segment{text: "wrap", st: s.muted, drop: wrapRank})
	case m.view.XOffset() > 0:
		segs = append(segs, segment{text: "nowrap +" + formatInt(m.view.XOffset()), short: "nowrap", st: s.muted, drop: wrapRank})
	default:
		segs = append(segs, segment{text: "nowrap", st: s.muted, drop: wrapRank})
	}
	if m.view.Timestamps() {
		segs = append(segs, segment{text: "time", st: s.muted, drop: timeRank})
	}
	return m.joinSegments(segs)
}

// stateSegment words the stream's state for the header. The reason of a
// reconnect or an end is the first thing to go when space is short.
func (m Model) stateSegment() segment {
	s := m.styles
	switch m.phase {
	case phaseIdle:
		return segment{text: "idle", st: s.muted, drop: 1}
	case phaseOpening:
		return segment{text: "connecting…", st: s.info, drop: 1}
	case phaseFailed:
		return segment{text: "error", st: s.bad, drop: 1}
	}
	seg := segment{text: m.state.String(), drop: 1}
	if m.stateErr != nil && (m.state == logbuf.Reconnecting || m.state == logbuf.Ended || m.state == logbuf.Stalled) {
		seg.short = seg.text
		seg.text += ": " + sanitizeHeader(m.stateErr.Error())
	}
	switch m.state {
	case logbuf.Streaming:
		if m.phase == phaseClosed {
			seg.text, seg.st = "closed", s.muted
		} else {
			seg.st = s.ok
		}
	case logbuf.Waiting, logbuf.Reconnecting, logbuf.Stalled:
		seg.st = s.warn
	default:
		seg.st = s.muted
		if m.stateErr != nil {
			seg.st = s.bad
		}
	}
	return seg
}

const (
	headerSep = " · "
	sepCells  = 3
)

// segsWidth is the width of the live segments joined by separators.
func segsWidth(segs []segment, live []bool) int {
	w, n := 0, 0
	for i, sg := range segs {
		if live[i] {
			w += ansi.StringWidth(sg.text)
			n++
		}
	}
	return w + sepCells*max(0, n-1)
}

// joinSegments fits the header into the width: it drops segments and uses
// short forms in rank order, takes back dropped segments that fit once the
// short forms made room, then shortens the title, and only then cuts the
// end. The row is always exactly Width cells.
func (m Model) joinSegments(segs []segment) string {
	live := make([]bool, len(segs))
	for i := range live {
		live[i] = true
	}
	var dropped []int // in the order they went
	shortened := false
	for segsWidth(segs, live) > m.width {
		worst := -1
		for i, sg := range segs {
			if live[i] && sg.drop > keepRank && (worst < 0 || sg.drop > segs[worst].drop) {
				worst = i
			}
		}
		if !shortened && (worst < 0 || segs[worst].drop < shortRank) {
			shortened = true
			for i := range segs {
				if segs[i].short != "" {
					segs[i].text = segs[i].short
				}
			}
			continue
		}
		if worst < 0 {
			break
		}
		live[worst] = false
		dropped = append(dropped, worst)
	}
	for k := len(dropped) - 1; k >= 0; k-- {
		live[dropped[k]] = true
		if segsWidth(segs, live) > m.width {
			live[dropped[k]] = false
		}
	}
	if over := segsWidth(segs, live) - m.width; over > 0 {
		tw := ansi.StringWidth(segs[0].text)
		if keep := max(minTitleLen, tw-over); keep < tw {
			segs[0].text = ansi.Truncate(segs[0].text, keep, "…")
		}
	}
	out := segs[:0:0]
	for i, sg := range segs {
		if live[i] {
			out = append(out, sg)
		}
	}
	return m.renderSegments(out)
}

func (m Model) renderSegments(segs []segment) string {
	var b strings.Builder
	for i, sg := range segs {
		if i > 0 {
			b.WriteString(m.styles.sep.Render(headerSep))
		}
		b.WriteString(sg.st.Render(sg.text))
	}
	return fit(b.String(), m.width)
}

package convlist

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// segment is one piece of the header. When the header is too wide, the
// pieces with the highest drop rank go first; rank 0 is never dropped
// (only cut at the end as a last resort).
type segment struct {
	text string
	st   lipgloss.Style
	drop int
}

const headerSep = " · "

// headerView renders the component's own header: scope, counts, loading,
// sort, pinning and the kept filter.
func (m Model) headerView() string {
	s := m.list.Theme.Styles
	scope := m.scope
	if scope == "" {
		scope = "conversations"
	}
	titleSt := s.Muted.Bold(true)
	if m.list.Focused {
		titleSt = s.Title
	}
	count := strconv.Itoa(len(m.all))
	if m.list.Len() != len(m.all) {
		count = strconv.Itoa(m.list.Len()) + "/" + count
	}
	segs := []segment{{text: scope, st: titleSt}}
	if m.loading {
		segs = append(segs, segment{text: "loading…", st: s.Info})
	} else {
		segs = append(segs, segment{text: count, st: s.Muted, drop: 3})
	}
	if n := m.attention; n > 0 {
		segs = append(segs, segment{text: strconv.Itoa(n) + " need attention", st: s.Warning})
	}
	if n := m.list.MarkCount(); n > 0 {
		segs = append(segs, segment{text: strconv.Itoa(n) + " marked", st: s.Accent})
	}
	if f := m.list.FilterText(); f != "" && !m.list.Filtering {
		segs = append(segs, segment{text: "/" + clean(f, 60), st: s.Accent, drop: 1})
	}
	// One meaning in every table: ↑ is ascending as the column reads
	// (A to Z, youngest age first, smallest first), ↓ descending.
	by := SortKey(m.list.SortBy)
	arrow := "↓"
	if by.naturalAscending() != m.list.Desc {
		arrow = "↑"
	}
	segs = append(segs, segment{text: "sort: " + by.String() + " " + arrow, st: s.Muted, drop: 4})
	if m.pin {
		segs = append(segs, segment{text: "pinned: needs attention", st: s.Muted, drop: 2})
	}
	return joinSegments(segs, m.width)
}

// joinSegments drops segments, highest rank first, until the rest fit in
// width cells.
func joinSegments(segs []segment, width int) string {
	total := func() int {
		n := 0
		for i, sg := range segs {
			if i > 0 {
				n += ansi.StringWidth(headerSep)
			}
			n += ansi.StringWidth(sg.text)
		}
		return n
	}
	for total() > width {
		worst := -1
		for i, sg := range segs {
			if sg.drop > 0 && (worst < 0 || sg.drop > segs[worst].drop) {
				worst = i
			}
		}
		if worst < 0 {
			break
		}
		segs = append(segs[:worst:worst], segs[worst+1:]...)
	}
	var b strings.Builder
	for i, sg := range segs {
		if i > 0 {
			b.WriteString(headerSep)
		}
		b.WriteString(sg.st.Render(sg.text))
	}
	return b.String()
}

// problemsView is one warning line: how many sandboxes failed and why.
func (m Model) problemsView() string {
	n := len(m.problems)
	lead := "1 sandbox could not be listed: "
	if n > 1 {
		lead = strconv.Itoa(n) + " sandboxes could not be listed: "
	}
	return m.list.Theme.Styles.Warning.Render("⚠ " + lead + strings.Join(m.problems, "; "))
}

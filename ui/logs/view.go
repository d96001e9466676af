package logs

import (
	"strconv"
	"strings"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"
)

// View renders exactly Height rows of exactly Width cells: the header row,
// then the text view (or a message when there is nothing to stream). It
// reads the model only: rendering twice gives the same string.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	header := m.headerView()
	if m.height == 1 {
		return header
	}
	return header + "\n" + m.bodyView()
}

func (m Model) bodyView() string {
	switch m.phase {
	case phaseIdle:
		return m.messageView(m.styles.muted, "No sandbox selected: pick one to stream its logs.")
	case phaseFailed:
		return m.messageView(m.styles.bad, "Cannot stream logs: "+m.openErr.Error())
	}
	return m.view.View()
}

// messageView fills the body with a wrapped message. Error text may come
// from a remote engine, so control characters are dropped before styling.
func (m Model) messageView(st lipgloss.Style, msg string) string {
	h := m.height - 1
	msg = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, msg)
	lines := strings.Split(ansi.Hardwrap(msg, m.width, true), "\n")
	rows := make([]string, h)
	for i := range rows {
		text := ""
		if i < len(lines) {
			text = lines[i]
		}
		rows[i] = st.Render(text) + strings.Repeat(" ", max(0, m.width-ansi.StringWidth(text)))
	}
	return strings.Join(rows, "\n")
}

// fit cuts or pads a styled string to exactly w cells.
func fit(s string, w int) string {
	if sw := ansi.StringWidth(s); sw > w {
		s = ansi.Truncate(s, w, "…")
	}
	return s + strings.Repeat(" ", max(0, w-ansi.StringWidth(s)))
}

// sanitizeHeader keeps untrusted header text (titles, error messages) to one
// row of printable characters.
func sanitizeHeader(s string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0) {
			return ' '
		}
		return r
	}, s)
}

func count(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return formatInt(n) + " " + unit + "s"
}

func formatInt(n int) string {
	if n < 0 {
		return "-" + formatUint(uint64(-n))
	}
	return formatUint(uint64(n))
}

// formatUint groups thousands: 1234567 → "1,234,567".
func formatUint(n uint64) string {
	s := strconv.FormatUint(n, 10)
	if len(s) <= 3 {
		return s
	}
	var b strings.Builder
	lead := len(s) % 3
	if lead > 0 {
		b.WriteString(s[:lead])
	}
	for i := lead; i < len(s); i += 3 {
		if b.Len() > 0 {
			b.WriteByte(',')
		}
		b.WriteString(s[i : i+3])
	}
	return b.String()
}

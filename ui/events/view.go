package events

import (
	"fmt"
	"strings"

	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/format"
	"github.com/ohdash/ohdash/ui/table"
)

// View renders exactly the pane's height in rows, each at most its width.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	rows := make([]string, 0, m.height)
	if m.expanded {
		rows = append(rows, m.detailHeader())
		if m.detailErr != nil {
			rows = append(rows, m.th.Styles.Error.Render("✗ "+m.detailErr.Error()))
		} else {
			rows = append(rows, m.detail.View())
		}
		return m.fit(strings.Join(rows, "\n"))
	}
	rows = append(rows, m.header())
	n := m.listRows()
	switch {
	case m.conv.ID == "":
		rows = append(rows, "  "+m.th.Styles.Muted.Render("select a conversation to follow its events"))
	case len(m.vis) == 0:
		rows = append(rows, "  "+m.th.Styles.Muted.Render(m.emptyText()))
	default:
		if m.offset == 0 && (m.paging || m.pageErr != nil) && n > 0 {
			rows = append(rows, m.pagingRow())
			n--
		}
		for i := m.offset; i < len(m.vis) && i < m.offset+n; i++ {
			rows = append(rows, m.row(m.items[m.vis[i]], i == m.cursor && m.focused))
		}
	}
	for len(rows) < 1+m.listRows() {
		rows = append(rows, "")
	}
	if m.typing != "" {
		rows = append(rows, m.th.Styles.Info.Italic(true).Render("  agent is typing: "+m.typing))
	}
	return m.fit(strings.Join(rows, "\n"))
}

// fit makes the block exactly width × height.
func (m Model) fit(s string) string {
	lines := strings.Split(s, "\n")
	if len(lines) > m.height {
		lines = lines[:m.height]
	}
	for len(lines) < m.height {
		lines = append(lines, "")
	}
	for i := range lines {
		lines[i] = table.Fit(lines[i], m.width, false)
	}
	return strings.Join(lines, "\n")
}

func (m Model) emptyText() string {
	switch {
	case m.noSrc || (m.closed && len(m.items) == 0):
		return "no events: " + m.connText()
	case len(m.items) > 0:
		return fmt.Sprintf("%d events, none matches the filter (t, o, v change it)", len(m.items))
	default:
		return "waiting for events…"
	}
}

func (m Model) pagingRow() string {
	if m.pageErr != nil {
		return m.th.Styles.Error.Render("  ✗ older events: " + m.pageErr.Error() + " (↑ tries again)")
	}
	return m.th.Styles.Info.Render("  loading older events…")
}

// header is the stream's state and the pane's counts and filters.
func (m Model) header() string {
	st := m.th.Styles
	var parts []string
	parts = append(parts, m.connStyle().Render(m.connText()))
	if m.conv.ID != "" {
		parts = append(parts, m.th.Exec(m.state.Status))
	}
	if m.state.HaveStats || m.state.Cost > 0 || m.state.Tokens.Total() > 0 {
		parts = append(parts, st.Muted.Render(format.Cost(m.state.Cost)+" · "+format.Count(m.state.Tokens.Total())+" tok"))
	}
	count := fmt.Sprintf("%d events", m.held())
	if hidden := len(m.items) - len(m.vis); hidden > 0 {
		count += fmt.Sprintf(" (%d hidden)", hidden)
	}
	parts = append(parts, st.Muted.Render(count))
	if m.evicted > 0 {
		parts = append(parts, st.Warning.Render(fmt.Sprintf("%d older not in memory (↑ at top loads)", m.evicted)))
	} else if m.olderMore && len(m.items) >= m.tail && m.conv.ID != "" {
		parts = append(parts, st.Muted.Render("older: ↑ at top"))
	}
	if m.newestDropped {
		parts = append(parts, st.Warning.Render("newest not in memory (G reloads)"))
	}
	if m.skipped > 0 {
		parts = append(parts, st.Warning.Render(fmt.Sprintf("%d undecodable skipped", m.skipped)))
	}
	var f []string
	if m.kind != kindAll {
		f = append(f, m.kind.String())
	}
	if m.source != sourceAll {
		f = append(f, "from "+m.source.String())
	}
	if m.quiet {
		f = append(f, "quiet shown")
	}
	if len(f) > 0 {
		parts = append(parts, st.Accent.Render("filter: "+strings.Join(f, ", ")))
	}
	if m.follow {
		parts = append(parts, st.Success.Render("follow"))
	} else {
		parts = append(parts, st.Muted.Render("follow off (G)"))
	}
	return strings.Join(parts, st.Subtle.Render(" │ "))
}

// held counts stored events in memory (not markers, not transient ones).
func (m Model) held() int {
	n := 0
	for _, it := range m.items {
		if it.marker == 0 && !it.ev.Transient {
			n++
		}
	}
	return n
}

func (m Model) connText() string {
	c := m.state.Conn
	switch c.Phase {
	case backend.ConnLive:
		return "● live"
	case backend.ConnReconnecting:
		txt := "⟳ " + c.Describe(m.now())
		if c.Err != nil {
			txt += ": " + c.Err.Error()
		}
		return txt
	case backend.ConnClosed:
		txt := "✗ closed"
		if c.Err != nil {
			txt += " (" + c.Err.Error() + ")"
		}
		return txt
	}
	return "… connecting"
}

func (m Model) connStyle() lipgloss.Style {
	switch m.state.Conn.Phase {
	case backend.ConnLive:
		return m.th.Styles.Success
	case backend.ConnReconnecting, backend.ConnClosed:
		return m.th.Styles.Error
	}
	return m.th.Styles.Muted
}

// row is one event line: time, source, summary, coloured by family.
func (m Model) row(it item, selected bool) string {
	st := m.th.Styles
	if it.marker > 0 {
		return st.Warning.Render(fmt.Sprintf("  ── %d events back-filled after reconnect ──", it.marker))
	}
	e := it.ev
	when := "        "
	if !e.Time.IsZero() {
		when = e.Time.Format("15:04:05") // server-local wall clock, as the server wrote it
	}
	src := fmt.Sprintf("%-5s", sourceTag(e.Source))
	line := when + " " + src + " " + e.Summary
	if selected {
		return st.Selected.Render(table.Fit(line, m.width, false))
	}
	body := st.Cell
	switch {
	case e.Failed:
		body = st.Error
	case e.Transient:
		body = st.Warning
	case e.Quiet:
		body = st.Subtle
	default:
		switch family(e) {
		case kindMessages:
			body = st.Cell.Bold(true)
		case kindActions:
			body = st.Accent
		case kindObservations:
			body = st.Muted
		}
	}
	return st.Muted.Render(when) + " " + st.Info.Render(src) + " " + body.Render(e.Summary)
}

func sourceTag(s string) string {
	switch s {
	case "environment":
		return "env"
	case "":
		return "-"
	}
	return s
}

func (m Model) detailHeader() string {
	st := m.th.Styles
	id := m.detailID
	if id == "" {
		id = "(transient)"
	}
	return st.Accent.Bold(true).Render("event "+id) + st.Muted.Render("  full JSON · esc closes")
}

package events

import (
	"fmt"
	"slices"
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

// headerPart is one field of the header in a long and a short wording,
// both already styled. Fields with a lower shortenFirst give up their
// long wording first.
type headerPart struct {
	long, short  string
	shortenFirst int
}

// header is the stream's state and the pane's counts and filters. When
// the long wordings do not fit the pane, fields switch to their short
// ones, the least telling first, so no count falls off the right edge.
func (m Model) header() string {
	st := m.th.Styles
	var parts []headerPart
	add := func(style lipgloss.Style, long, short string) {
		parts = append(parts, headerPart{long: style.Render(long), short: style.Render(short), shortenFirst: len(parts)})
	}
	conn := m.connText()
	add(m.connStyle(), conn, conn)
	if m.conv.ID != "" {
		status := m.th.Exec(m.state.Status)
		parts = append(parts, headerPart{long: status, short: status})
	}
	if m.state.HaveStats || m.state.Cost > 0 || m.state.Tokens.Total() > 0 {
		usage := format.Cost(m.state.Cost) + " · " + format.Count(m.state.Tokens.Total()) + " tok"
		add(st.Muted, usage, usage)
	}
	count := fmt.Sprintf("%d events", m.held())
	short := count
	if hidden := len(m.items) - len(m.vis); hidden > 0 {
		// The short wording keeps the hidden count too: it is what
		// explains a body that says nothing matches the filter.
		count += fmt.Sprintf(" (%d hidden)", hidden)
		short = fmt.Sprintf("%d ev, %d hidden", m.held(), hidden)
	}
	add(st.Muted, count, short)
	parts[len(parts)-1].shortenFirst = 100 // the counts' words go last
	if m.evicted > 0 {
		add(st.Warning, fmt.Sprintf("%d older not in memory (%s at top loads)", m.evicted, m.keys.Up.Help().Key), fmt.Sprintf("%d older not loaded", m.evicted))
		parts[len(parts)-1].shortenFirst = -2 // the hint goes first
	} else if m.olderMore && len(m.items) >= m.tail && m.conv.ID != "" {
		add(st.Muted, "older: "+m.keys.Up.Help().Key+" at top", "older "+m.keys.Up.Help().Key)
	}
	if m.newestDropped {
		add(st.Warning, "newest not in memory ("+m.keys.Bottom.Help().Key+" reloads)", "newest not in memory")
	}
	if m.skipped > 0 {
		add(st.Warning, fmt.Sprintf("%d undecodable skipped", m.skipped), fmt.Sprintf("%d skipped", m.skipped))
	}
	if f := m.filterText(); f != "" {
		add(st.Accent, "filter: "+f, m.filterShort())
	}
	if m.follow {
		add(st.Success, "follow", "follow")
	} else {
		add(st.Muted, "follow off ("+m.keys.Bottom.Help().Key+")", "follow off")
	}
	parts[len(parts)-1].shortenFirst = -1
	return fitHeader(parts, st.Subtle.Render(" │ "), m.width)
}

// fitHeader joins the parts with sep in their long wordings, switching
// parts to their short ones in shortenFirst order until the line fits.
func fitHeader(parts []headerPart, sep string, width int) string {
	texts := make([]string, len(parts))
	w := lipgloss.Width(sep) * (len(parts) - 1)
	for i, p := range parts {
		texts[i] = p.long
		w += lipgloss.Width(p.long)
	}
	order := make([]int, len(parts))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return parts[a].shortenFirst - parts[b].shortenFirst })
	for _, i := range order {
		if w <= width {
			break
		}
		w += lipgloss.Width(parts[i].short) - lipgloss.Width(parts[i].long)
		texts[i] = parts[i].short
	}
	return strings.Join(texts, sep)
}

// filterText names the active filters, "" when everything is shown.
func (m Model) filterText() string {
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
	return strings.Join(f, ", ")
}

// filterShort names the active filters in a few letters ("obs, user,
// +quiet"), for a header the long wording does not fit.
func (m Model) filterShort() string {
	var f []string
	if m.kind != kindAll {
		f = append(f, m.kind.short())
	}
	if m.source != sourceAll {
		f = append(f, m.source.short())
	}
	if m.quiet {
		f = append(f, "+quiet")
	}
	return strings.Join(f, ", ")
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
	case backend.ConnUnresponsive:
		// The socket is open but silent: what is shown may be late.
		return "⚠ " + c.Describe(m.now())
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
	case backend.ConnUnresponsive:
		return m.th.Styles.Warning
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

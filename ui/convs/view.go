package convs

import (
	"fmt"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/ui/format"
	"github.com/ohdash/ohdash/ui/table"
)

// columns of the list. The title flexes; sandbox and model go first when
// the terminal is narrow, then age and tokens.
var columns = []table.Column{
	{Title: "", Min: 1, Max: 1},
	{Title: "TITLE", Min: 20, Flex: 3},
	{Title: "STATUS", Min: 10, Max: 26, Flex: 1},
	{Title: "MODEL", Min: 14, Max: 30, Flex: 1, Drop: 5},
	{Title: "COST", Min: 7, Max: 9, AlignRight: true, Drop: 2},
	{Title: "TOKENS", Min: 6, Max: 8, AlignRight: true, Drop: 3},
	{Title: "UPDATED", Min: 7, Max: 8, AlignRight: true, Drop: 4},
	{Title: "SANDBOX", Min: 16, Max: 36, Flex: 1, Drop: 6},
}

// View renders exactly the list's height in rows, each at most its width.
func (m Model) View() string {
	if m.height <= 0 || m.width <= 0 {
		return ""
	}
	st := m.th.Styles
	rows := make([]string, 0, m.height)
	rows = append(rows, m.title())
	widths := table.Layout(columns, m.width)
	tst := table.Styles{Header: st.Header, Cell: st.Cell, Selected: st.Selected}
	rows = append(rows, table.Header(columns, widths, tst))
	if m.filtering {
		rows = append(rows, m.filter.View())
	}
	n := m.visibleRows()
	switch {
	case len(m.order) == 0 && n > 0:
		rows = append(rows, "  "+st.Muted.Render(m.emptyText()))
	default:
		now := m.now()
		for i := m.offset; i < len(m.order) && i < m.offset+n; i++ {
			c := m.all[m.order[i]]
			rows = append(rows, table.Row(columns, widths, m.cells(c, now), i == m.cursor && m.focused, tst))
		}
	}
	for len(rows) < m.height-len(m.problemLine()) {
		rows = append(rows, "")
	}
	rows = append(rows, m.problemLine()...)
	for i := range rows {
		rows[i] = table.Fit(rows[i], m.width, false)
	}
	return strings.Join(rows[:min(len(rows), m.height)], "\n")
}

func (m Model) title() string {
	st := m.th.Styles
	scope := m.scope
	if scope == "" {
		scope = "conversations"
	}
	parts := []string{st.Accent.Bold(true).Render(clean(scope))}
	count := fmt.Sprintf("%d", len(m.all))
	if len(m.order) != len(m.all) {
		count = fmt.Sprintf("%d/%d", len(m.order), len(m.all))
	}
	parts = append(parts, st.Muted.Render(count))
	if m.loading {
		parts = append(parts, st.Info.Render("loading…"))
	}
	if f := m.filter.Value(); f != "" && !m.filtering {
		parts = append(parts, st.Accent.Render("filter: "+f))
	}
	dir := "↓"
	if m.asc {
		dir = "↑"
	}
	parts = append(parts, st.Muted.Render("sort: "+m.sortBy.String()+" "+dir))
	if m.pin {
		if need := m.needing(); need > 0 {
			parts = append(parts, st.Warning.Render(fmt.Sprintf("⚑ %d need attention (pinned)", need)))
		} else {
			parts = append(parts, st.Muted.Render("pinned: needs attention"))
		}
	}
	return strings.Join(parts, st.Subtle.Render("  │  "))
}

func (m Model) needing() int {
	n := 0
	for _, c := range m.all {
		if c.Status.NeedsAttention() {
			n++
		}
	}
	return n
}

func (m Model) emptyText() string {
	switch {
	case m.loading:
		return "loading conversations…"
	case len(m.all) > 0:
		return "no conversation matches the filter (esc clears it)"
	default:
		return "no conversations"
	}
}

// problemLine is one row saying which sandboxes could not be listed.
func (m Model) problemLine() []string {
	if len(m.problems) == 0 {
		return nil
	}
	text := clean(m.problems[0])
	if len(m.problems) > 1 {
		text = fmt.Sprintf("%d sandboxes could not be listed: %s; …", len(m.problems), text)
	}
	return []string{m.th.Styles.Warning.Render("! " + text)}
}

func (m Model) cells(c backend.Conversation, now time.Time) []string {
	st := m.th.Styles
	mark := ""
	if c.Status.NeedsAttention() {
		mark = st.Warning.Bold(true).Render("⚑")
	}
	title := clean(c.Title)
	if title == "" {
		title = st.Muted.Render(shortID(c.ID))
	}
	cost, tokens := "—", "—"
	if c.Cost > 0 || c.Tokens.Total() > 0 {
		cost = format.Cost(c.Cost)
		tokens = format.Count(c.Tokens.Total())
	}
	updated := "—"
	if !c.UpdatedAt.IsZero() {
		updated = format.Age(now, c.UpdatedAt)
	}
	return []string{mark, title, m.th.Exec(c.Status), clean(c.Model), cost, tokens, updated, clean(c.SandboxID)}
}

// shortID is the first 8 hex digits of an id, as people quote them.
func shortID(id string) string {
	h := backend.ConversationIDHex(id)
	if len(h) > 8 {
		return h[:8]
	}
	return h
}

// clean makes server text safe for one cell: no escape sequences, no
// control characters, no line breaks. Titles arrive sanitised from the
// clients already; this keeps the list safe whatever the source.
func clean(s string) string {
	if s == "" {
		return s
	}
	s = strings.NewReplacer("\n", " ", "\r", " ", "\t", " ").Replace(s)
	out, _ := logbuf.SanitizeString(s, logbuf.SanitizeOptions{StripColor: true})
	return out
}

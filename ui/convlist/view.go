package convlist

import (
	"github.com/charmbracelet/x/ansi"

	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/format"
	"github.com/ohdash/ohdash/ui/table"
)

// Column indices.
const (
	colMark = iota
	colTitle
	colStatus
	colModel
	colCost
	colTokens
	colUpdated
	colSandbox
	numCols
)

// attentionMark flags a row that needs a person, in the status colour, so
// it reads without colour too.
const attentionMark = "●"

func (m Model) columns() []table.Column {
	cols := []table.Column{
		// The title is what people read and search for, so it takes the
		// spare room; the sandbox and the model go first on a narrow
		// screen (the details pane has both).
		colMark:    {Title: "", Min: 1, Max: 1},
		colTitle:   {Title: "TITLE", Min: 20, Flex: 4},
		colStatus:  {Title: "STATUS", Min: 12, Max: 26, Flex: 1},
		colModel:   {Title: "MODEL", Min: 10, Max: 28, Flex: 1, Drop: 5},
		colCost:    {Title: "COST", Min: 7, Max: 7, AlignRight: true, Drop: 3},
		colTokens:  {Title: "TOKENS", Min: 6, Max: 6, AlignRight: true, Drop: 4},
		colUpdated: {Title: "UPDATED", Min: 7, Max: 7, AlignRight: true, Drop: 2},
		colSandbox: {Title: "SANDBOX", Min: 14, Max: 40, Flex: 1, Drop: 6},
	}
	fitContent(&cols[colStatus], m.content.status)
	fitContent(&cols[colModel], m.content.model)
	fitContent(&cols[colSandbox], m.content.sandbox)
	if !m.multiSandbox {
		// One sandbox: the column would repeat the scope on every row.
		cols[colSandbox].Min, cols[colSandbox].Flex = 0, 0
	} else {
		// Across sandboxes, which one a conversation is in matters more
		// than its model: the model goes first on a narrow screen.
		cols[colModel].Drop, cols[colSandbox].Drop = cols[colSandbox].Drop, cols[colModel].Drop
	}
	return cols
}

// titleComfort is the title width past which the short columns (status,
// model, sandbox) get their full content first: a 26-cell
// "waiting_for_confirmation" reads better than a title's 80th character.
const titleComfort = 30

// layout lays the columns out, then moves title width above titleComfort
// to the short columns that are cut, up to their content.
func layout(cols []table.Column, width int) []int {
	widths := table.Layout(cols, width)
	for i := range cols {
		if cols[i].Min == 0 && cols[i].Flex == 0 {
			widths[i] = 0
		}
	}
	for _, i := range []int{colStatus, colModel, colSandbox} {
		spare := widths[colTitle] - titleComfort
		if spare <= 0 {
			break
		}
		if widths[i] == 0 {
			continue
		}
		give := min(spare, cols[i].Max-widths[i])
		if give > 0 {
			widths[i] += give
			widths[colTitle] -= give
		}
	}
	return widths
}

// fitContent caps a column at its widest cell (but never under its
// title), so spare room goes to the title rather than to blank cells.
func fitContent(c *table.Column, content int) {
	w := max(content, len(c.Title))
	if c.Max == 0 || w < c.Max {
		c.Max = w
	}
	c.Min = min(c.Min, c.Max)
}

// View renders the header, the column titles, the visible rows, the filter
// input while it is open and the problems line when there are problems. It
// is exactly the set height, every line exactly the set width.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	cols := m.columns()
	widths := layout(cols, m.width-m.list.MarkRoom())
	cols, widths = m.list.WithMarkColumn(cols, widths)
	marking := m.list.MarkCount() > 0
	st := m.list.Styles()
	lines := make([]string, 0, m.height)
	lines = append(lines, m.headerView(), table.Header(cols, widths, st))
	now := m.list.Now()
	cells := make([]string, numCols)
	l := m.list
	for i := l.Offset; i < len(l.Order) && i < l.Offset+l.Rows(); i++ {
		r := m.all[l.Order[i]]
		m.cells(cells, r, now)
		row := cells
		if marking {
			row = append([]string{l.MarkCell(r.c.Key())}, cells...)
			cells[colSandbox] = keepEnd(cells[colSandbox], widths[colSandbox+1])
		} else {
			cells[colSandbox] = keepEnd(cells[colSandbox], widths[colSandbox])
		}
		lines = append(lines, table.Row(cols, widths, row, i == l.Cursor, st))
	}
	if l.Len() == 0 && l.Rows() > 0 {
		lines = append(lines, m.list.Theme.Styles.Muted.Render(m.emptyText()))
	}
	bottom := boolInt(l.Filtering) + boolInt(len(m.problems) > 0)
	for len(lines) < m.height-bottom {
		lines = append(lines, "")
	}
	lines = lines[:max(0, m.height-bottom)]
	if l.Filtering {
		lines = append(lines, l.Filter.View())
	}
	if len(m.problems) > 0 {
		lines = append(lines, m.problemsView())
	}
	lines = lines[:m.height]
	for i := range lines {
		lines[i] = table.Fit(lines[i], m.width, false)
	}
	return strings.Join(lines, "\n")
}

func (m Model) emptyText() string {
	switch {
	case len(m.all) > 0:
		return "  no conversation matches the filter (esc clears it)"
	case m.loading:
		return "  loading…"
	default:
		return "  no conversations"
	}
}

// cells fills c with one row's cells.
func (m Model) cells(c []string, r *row, now time.Time) {
	conv := &r.c
	c[colMark] = ""
	if conv.Status.NeedsAttention() {
		c[colMark] = m.list.Theme.ExecStyle(conv.Status).Render(attentionMark)
	}
	c[colTitle] = r.title
	if r.title == "" {
		c[colTitle] = m.list.Theme.Styles.Muted.Render(r.shortID)
	}
	c[colStatus] = m.list.Theme.Exec(conv.Status)
	c[colModel] = r.model
	if r.model == "" {
		c[colModel] = m.list.Theme.Styles.Muted.Render("—")
	}
	c[colCost] = costCell(conv)
	c[colTokens] = tokensCell(conv.Tokens)
	c[colUpdated] = format.Age(now, conv.UpdatedAt)
	c[colSandbox] = r.sandbox
}

// costCell shows the LLM cost; a conversation that has used no tokens and
// cost nothing shows "—" rather than a misleading "$0.00".
func costCell(c *backend.Conversation) string {
	if c.Cost == 0 && c.Tokens.Total() == 0 {
		return "—"
	}
	return format.Cost(c.Cost)
}

func tokensCell(t backend.TokenUsage) string {
	if t.Total() == 0 {
		return "—"
	}
	return format.Count(t.Total())
}

// keepEnd cuts s to w cells at its start: sandbox names share their
// start ("oh-agent-server-") and differ at the end.
func keepEnd(s string, w int) string {
	sw := ansi.StringWidth(s)
	if w <= 0 || sw <= w {
		return s
	}
	return ansi.TruncateLeft(s, sw-w+1, "…")
}

package sandboxes

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/format"
	"github.com/ohdash/ohdash/ui/table"
)

// Column indices.
const (
	colStatus = iota
	colName
	colSource
	colImage
	colAge
	colHealth
	colURL
	// colMark is the mark column, shown first while any row is marked.
	colMark
)

func (m Model) columns() []table.Column {
	cols := []table.Column{
		// Names are what people search for and copy, so they get the
		// most room; the image goes first on a narrow screen (the details
		// pane shows it).
		colStatus: {Title: "STATUS", Min: 10, Max: 10},
		colName:   {Title: "NAME", Min: 30, Max: 52, Flex: 4},
		colSource: {Title: "SOURCE", Min: 8, Max: 16, Flex: 1, Drop: 3},
		colImage:  {Title: "IMAGE / SPEC", Min: 14, Flex: 2, Drop: 5},
		colAge:    {Title: "AGE", Min: 4, Max: 5, AlignRight: true, Drop: 1},
		colHealth: {Title: "HEALTH", Min: 7, Max: 10, Flex: 1, Drop: 2},
		colURL:    {Title: "AGENT", Min: 15, Max: 28, Flex: 1, Drop: 4},
	}
	if !m.multiSource {
		cols[colSource].Min, cols[colSource].Flex = 0, 0
	}
	if m.list.MarkCount() > 0 {
		cols = append(cols, table.MarkColumn)
	}
	return cols
}

// View renders the header, the visible rows and, while filtering, the
// filter input in place of the last row. It is exactly m.height rows.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	cols := m.columns()
	order := m.columnOrder(cols)
	cols = reindex(cols, order)
	widths := table.Layout(cols, m.width)
	for i := range cols {
		if cols[i].Min == 0 && cols[i].Flex == 0 {
			widths[i] = 0
		}
	}
	nameW := widths[slices.Index(order, colName)]
	st := m.list.Styles()
	rows := make([]string, 0, m.height)
	rows = append(rows, table.Fit(table.Header(cols, widths, st), m.width, false))
	now := m.list.Now()
	l := m.list
	for i := l.Offset; i < len(l.Order) && i < l.Offset+l.Rows(); i++ {
		s := m.all[l.Order[i]]
		cells := m.cells(s, now)
		cells[colName] = fitName(cells[colName], s.Prefix, nameW)
		cells = reindex(cells, order)
		rows = append(rows, table.Fit(table.Row(cols, widths, cells, i == l.Cursor, st), m.width, false))
	}
	if l.Len() == 0 {
		// Wrapped, not cut: an error's end is its reason.
		for _, line := range m.emptyText() {
			body := strings.TrimLeft(line, " ")
			indent := "  " + line[:len(line)-len(body)]
			for i, part := range format.WrapWords(body, max(1, m.width-len(indent)-4)) {
				if i > 0 {
					part = "  " + part // a hanging indent
				}
				rows = append(rows, m.list.Theme.Styles.Muted.Render(indent+part))
			}
		}
	}
	for len(rows) < 1+l.Rows() {
		rows = append(rows, "")
	}
	if l.Filtering {
		rows = append(rows, l.Filter.View())
	}
	for i := range rows {
		rows[i] = table.Fit(rows[i], m.width, false)
	}
	return strings.Join(rows[:m.height], "\n")
}

func (m Model) emptyText() []string {
	if len(m.all) > 0 {
		return []string{"no sandbox matches the filter (esc clears it)"}
	}
	if len(m.emptyNote) > 0 {
		return m.emptyNote
	}
	return []string{"no sandboxes yet"}
}

func (m Model) cells(s backend.Sandbox, now time.Time) []string {
	c := make([]string, colMark+1)
	c[colMark] = m.list.MarkCell(s.Key())
	c[colStatus] = m.list.Theme.Status(s.Status)
	// Names, sources and specs came from containers and APIs: sanitised
	// here, where they meet the terminal (the table's Fit strips ESC
	// sequences but not C1 controls or bidi overrides); a spec label may
	// also carry a credential.
	c[colName] = backend.CleanText(s.ID)
	c[colSource] = backend.CleanText(s.Source)
	c[colImage] = backend.SafeText(imageOf(s))
	c[colAge] = format.Age(now, s.CreatedAt)
	c[colHealth] = healthCell(m.list.Theme, s)
	c[colURL] = urlCell(s)
	return c
}

// healthCell shows the last probe: "ok 12ms", "failing", "unknown" when
// not probed, "—" when there is nothing to probe.
func healthCell(th theme.Theme, s backend.Sandbox) string {
	h := s.Health
	switch h.State {
	case backend.HealthOK:
		txt := "ok"
		if lat := format.Latency(h.Latency); lat != "" {
			txt += " " + lat
		}
		return th.Styles.Success.Render(txt)
	case backend.HealthFailing:
		return th.Styles.Error.Render("failing")
	case backend.HealthNone:
		return th.Styles.Muted.Render("—")
	default:
		// Not probed (yet, or ever: a runtime API is probed only on
		// demand). Said as such, as ohdash ls says it: an ellipsis
		// would read as loading, for ever.
		return th.Styles.Muted.Render("unknown")
	}
}

// urlCell shows the agent-server URL and how many other services the
// sandbox exposes; the full list is in the details pane.
func urlCell(s backend.Sandbox) string {
	agent := s.AgentURL()
	others := len(s.ExposedURLs)
	if agent != "" {
		others--
	}
	switch {
	case agent == "" && others == 0:
		return "—"
	case agent == "":
		return strconv.Itoa(others) + " urls"
	case others > 0:
		return shortURL(agent) + " +" + strconv.Itoa(others)
	default:
		return shortURL(agent)
	}
}

// shortURL drops the scheme of a plain http URL: "localhost:32768" says
// all a cell has room for.
func shortURL(u string) string {
	return strings.TrimPrefix(backend.MaskURL(u), "http://")
}

// columnOrder is the order the columns are drawn in: the mark column,
// when there is one, first, where the eye starts.
func (m Model) columnOrder(cols []table.Column) []int {
	order := make([]int, 0, len(cols))
	if len(cols) > colMark {
		order = append(order, colMark)
	}
	for i := range min(len(cols), colMark) {
		order = append(order, i)
	}
	return order
}

// reindex returns xs in order; indices past its end are left out.
func reindex[T any](xs []T, order []int) []T {
	out := make([]T, 0, len(order))
	for _, i := range order {
		if i < len(xs) {
			out = append(out, xs[i])
		}
	}
	return out
}

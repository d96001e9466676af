package sandboxes

import (
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/format"
	"github.com/ohdash/ohdash/ui/resource"
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
	// Resource columns, shown when on (see resources.go).
	colCPU
	colMem
	colNet
	colBlock
	colPIDs
	// colMark is the mark column, shown first while any row is marked.
	colMark
	numCols
)

// columns are the columns shown, in screen order, and for each the index
// of its cell.
func (m Model) columns() ([]table.Column, []int) {
	cols := make([]table.Column, numCols)
	// Names are what people search for and copy, so they get the most
	// room; the image goes first on a narrow screen (the details pane
	// shows it).
	cols[colStatus] = table.Column{Title: "STATUS", Min: 10, Max: 10}
	cols[colName] = table.Column{Title: "NAME", Min: 30, Max: 52, Flex: 4}
	cols[colSource] = table.Column{Title: "SOURCE", Min: 8, Max: 16, Flex: 1, Drop: 3}
	cols[colImage] = table.Column{Title: "IMAGE / SPEC", Min: 14, Flex: 2, Drop: 5}
	cols[colAge] = table.Column{Title: "AGE", Min: 4, Max: 5, AlignRight: true, Drop: 1}
	cols[colHealth] = table.Column{Title: "HEALTH", Min: 7, Max: 10, Flex: 1, Drop: 2}
	cols[colURL] = table.Column{Title: "AGENT", Min: 15, Max: 28, Flex: 1, Drop: 4}
	cols[colMark] = table.MarkColumn
	if !m.multiSource {
		cols[colSource].Min, cols[colSource].Flex = 0, 0
	}
	var order []int
	if m.list.MarkCount() > 0 {
		// The mark column first, where the eye starts.
		order = append(order, colMark)
	}
	if m.resOn {
		// Resource columns after the name, where the eye goes first. On
		// a narrow screen CPU and memory outlast everything but the
		// status and the name: they answer "which one is heavy".
		cols[colCPU] = table.Column{Title: "CPU%", Min: 5, Max: 6, AlignRight: true, Drop: 1}
		cols[colMem] = table.Column{Title: "MEM", Min: 9, Max: 11, AlignRight: true, Drop: 2}
		cols[colNet] = table.Column{Title: "NET RX/TX", Min: 9, Max: 11, AlignRight: true, Drop: 6}
		cols[colBlock] = table.Column{Title: "BLK R/W", Min: 9, Max: 11, AlignRight: true, Drop: 7}
		cols[colPIDs] = table.Column{Title: "PIDS", Min: 4, Max: 5, AlignRight: true, Drop: 5}
		cols[colAge].Drop, cols[colHealth].Drop, cols[colURL].Drop = 3, 4, 8
		cols[colSource].Drop, cols[colImage].Drop = 9, 10
		order = append(order, colStatus, colName, colCPU, colMem, colNet, colBlock, colPIDs, colSource, colImage, colAge, colHealth, colURL)
	} else {
		order = append(order, colStatus, colName, colSource, colImage, colAge, colHealth, colURL)
	}
	shown := make([]table.Column, len(order))
	for i, ci := range order {
		shown[i] = cols[ci]
	}
	return shown, order
}

// layout gives the shown columns their widths; a column with nothing to
// show (the source of a single source) gets none.
func (m Model) layout(cols []table.Column) []int {
	widths := table.Layout(cols, m.width)
	for i := range cols {
		if cols[i].Min == 0 && cols[i].Flex == 0 {
			widths[i] = 0
		}
	}
	return widths
}

// View renders the header, the visible rows and, while filtering, the
// filter input in place of the last row. It is exactly m.height rows.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	cols, idx := m.columns()
	widths := m.layout(cols)
	nameW := 0
	for i, ci := range idx {
		if ci == colName {
			nameW = widths[i]
		}
	}
	st := m.list.Styles()
	rows := make([]string, 0, m.height)
	rows = append(rows, table.Fit(table.Header(cols, widths, st), m.width, false))
	now := m.list.Now()
	l := m.list
	shown := make([]string, len(idx))
	for i := l.Offset; i < len(l.Order) && i < l.Offset+l.Rows(); i++ {
		s := m.all[l.Order[i]]
		cells := m.cells(s, now)
		cells[colName] = fitName(cells[colName], s.Prefix, nameW)
		for j, ci := range idx {
			shown[j] = cells[ci]
		}
		rows = append(rows, table.Fit(table.Row(cols, widths, shown, i == l.Cursor, st), m.width, false))
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
	c := make([]string, numCols)
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
	if m.resOn {
		c[colCPU], c[colMem], c[colNet], c[colBlock], c[colPIDs] = m.resourceCells(s)
	}
	return c
}

// resourceCells writes a row's figures: marks muted, a sandbox near its
// CPU or memory limit in the warning colour.
func (m Model) resourceCells(s backend.Sandbox) (cpu, mem, net, blk, pids string) {
	st := m.list.Theme.Styles
	smp, state := m.res.Of(s)
	rc := resource.CellsOf(smp, state)
	out := []*string{&rc.CPU, &rc.Mem, &rc.Net, &rc.Block, &rc.PIDs}
	for _, p := range out {
		switch *p {
		case resource.MarkPending, resource.MarkStopped, resource.MarkUnavailable:
			*p = st.Muted.Render(*p)
		}
	}
	if state == resource.Known {
		if smp.HasCPU && smp.CPULimit > 0 && smp.CPUPercent >= 80*smp.CPULimit {
			rc.CPU = st.Warning.Render(rc.CPU)
		}
		if smp.HasMem && smp.MemLimit > 0 && smp.MemUsed*10 >= smp.MemLimit*9 {
			rc.Mem = st.Warning.Render(rc.Mem)
		}
	}
	return rc.CPU, rc.Mem, rc.Net, rc.Block, rc.PIDs
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

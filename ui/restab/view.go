package restab

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/resource"
	"github.com/ohdash/ohdash/ui/spark"
	"github.com/ohdash/ohdash/ui/table"
)

// sections are the charts, top to bottom.
const sections = 4

// indent is the margin left of the charts.
const indent = "  "

// View renders the selected sandbox's figures and charts, exactly
// height rows.
func (m Model) View() string {
	if m.width <= 0 || m.height <= 0 {
		return ""
	}
	if text := m.why(); text != "" {
		return m.fit([]string{indent + m.th.Styles.Muted.Render(text)})
	}
	r := m.hist.rings[m.sel.Key()]
	cur, have := r.last()
	st := m.th.Styles
	head := backend.CleanText(m.sel.ID)
	if have && cur.HasPIDs {
		head += " · " + strconv.FormatUint(cur.PIDs, 10) + " processes"
	}
	head += fmt.Sprintf(" · every %s, last %s", short(m.every), short(time.Duration(r.cap)*m.every))
	if !have {
		head += " · sampling…"
	}
	rows := []string{indent + st.Muted.Render(head)}
	// Every section gets a label row and an equal share of the rest; the
	// rows left over go to the first ones, so the pane is filled.
	avail := m.height - 1
	chartH := func(i int) int {
		h := avail/sections - 1
		if i < avail%sections {
			h++
		}
		return max(1, h)
	}
	cw := max(0, m.width-len(indent))
	half := max(0, (cw-3)/2)
	cpu := r.series(func(s backend.ResourceSample) (float64, bool) { return s.CPUPercent, s.HasCPU })
	mem := r.series(func(s backend.ResourceSample) (float64, bool) { return float64(s.MemUsed), s.HasMem })
	rate := func(f func(backend.ResourceSample) float64) []float64 {
		return r.series(func(s backend.ResourceSample) (float64, bool) { return f(s), s.HasRates })
	}
	rx := rate(func(s backend.ResourceSample) float64 { return s.NetRxRate })
	tx := rate(func(s backend.ResourceSample) float64 { return s.NetTxRate })
	rd := rate(func(s backend.ResourceSample) float64 { return s.BlkReadRate })
	wr := rate(func(s backend.ResourceSample) float64 { return s.BlkWriteRate })

	cpuTop := max(100, spark.Max(cpu))
	if have && cur.CPULimit > 0 {
		cpuTop = max(cur.CPULimit*100, spark.Max(cpu))
	}
	memTop := spark.Max(mem)
	if have && cur.MemLimit > 0 {
		memTop = float64(cur.MemLimit)
	}
	add := func(label string, chart []string) {
		rows = append(rows, label)
		for _, c := range chart {
			rows = append(rows, indent+st.Accent.Render(c))
		}
	}
	add(m.cpuLabel(cur, have, spark.Max(cpu)), spark.Chart(cpu, cw, chartH(0), cpuTop))
	add(m.memLabel(cur, have, spark.Max(mem)), spark.Chart(mem, cw, chartH(1), memTop))
	add(m.pairLabel("NET  ", "↓", "↑", cur.NetRxRate, cur.NetTxRate, have && cur.HasRates), pair(rx, tx, half, chartH(2)))
	add(m.pairLabel("BLOCK", "read", "write", cur.BlkReadRate, cur.BlkWriteRate, have && cur.HasRates), pair(rd, wr, half, chartH(3)))
	return m.fit(rows)
}

// why is what the tab says instead of charts, or "".
func (m Model) why() string {
	switch {
	case !m.ok:
		return "no sandbox selected"
	case m.every <= 0:
		return "resource sampling is off (stats_interval = off)"
	case m.unsupported[m.sel.Source] || !backend.Supports(m.backendOf(), backend.CapStats):
		return "n/a: the " + backend.CleanText(m.sel.Source) + " backend exposes no resource figures"
	case !resource.Live(m.sel):
		return backend.CleanText(m.sel.ID) + " is " + strings.ToLower(string(m.sel.Status)) + ": no figures while it is not running"
	}
	return ""
}

// backendOf is the selected sandbox's backend (nil when unknown: then
// it is not asked, and Supports says false).
func (m Model) backendOf() backend.Backend {
	if m.c.Hub == nil {
		return nil
	}
	for _, b := range m.c.Hub.Backends() {
		if b.Name() == m.sel.Source {
			return b
		}
	}
	return nil
}

func (m Model) cpuLabel(cur backend.ResourceSample, have bool, peak float64) string {
	st := m.th.Styles
	txt := "…"
	if have && cur.HasCPU {
		txt = resource.Percent(cur.CPUPercent) + "% of one core"
		if cur.CPULimit > 0 {
			txt += " · " + resource.Percent(cur.CPUPercent/cur.CPULimit) + "% of its " +
				strconv.FormatFloat(cur.CPULimit, 'g', 3, 64) + "-core limit"
		}
		txt += " · peak " + resource.Percent(peak) + "%"
	}
	return st.Header.Render("CPU  ") + " " + txt
}

func (m Model) memLabel(cur backend.ResourceSample, have bool, peak float64) string {
	st := m.th.Styles
	txt := "…"
	if have && cur.HasMem {
		txt = resource.Bytes(cur.MemUsed)
		if cur.MemLimit > 0 {
			txt += " of " + resource.Bytes(cur.MemLimit) + " limit (" +
				resource.Percent(float64(cur.MemUsed)/float64(cur.MemLimit)*100) + "%)"
		} else {
			txt += " (no limit)"
		}
		txt += " · peak " + resource.Bytes(uint64(peak))
	}
	return st.Header.Render("MEM  ") + " " + txt
}

func (m Model) pairLabel(name, a, b string, va, vb float64, have bool) string {
	st := m.th.Styles
	txt := "…"
	if have {
		txt = a + " " + resource.Rate(va) + "/s  " + b + " " + resource.Rate(vb) + "/s"
	}
	return st.Header.Render(name) + " " + txt
}

// pair draws two series side by side, each scaled to its own peak.
func pair(a, b []float64, w, h int) []string {
	ca, cb := spark.Chart(a, w, h, 0), spark.Chart(b, w, h, 0)
	out := make([]string, h)
	for i := range out {
		out[i] = ca[i] + " │ " + cb[i]
	}
	return out
}

// fit pads or cuts rows to exactly the pane's size.
func (m Model) fit(rows []string) string {
	if len(rows) > m.height {
		rows = rows[:m.height]
	}
	for len(rows) < m.height {
		rows = append(rows, "")
	}
	for i := range rows {
		rows[i] = table.Fit(rows[i], m.width, false)
	}
	return strings.Join(rows, "\n")
}

// short writes a duration without zero units: "2s", "5m", "1m30s".
func short(d time.Duration) string {
	s := d.Round(time.Second).String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

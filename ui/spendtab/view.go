package spendtab

import (
	"fmt"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/spend"
	"github.com/ohdash/ohdash/ui/format"
	"github.com/ohdash/ohdash/ui/table"
)

// groupRows caps each "by ..." section; topRows the ranked conversations.
const (
	groupRows = 5
	topRows   = 10
)

// View renders the visible window of the pane's lines.
func (m Model) View() string {
	rows := make([]string, 0, m.height)
	for i := m.offset; i < len(m.lines) && len(rows) < m.height; i++ {
		rows = append(rows, table.Fit(m.lines[i], m.width, false))
	}
	for len(rows) < m.height {
		rows = append(rows, strings.Repeat(" ", max(0, m.width)))
	}
	return strings.Join(rows, "\n")
}

// rerender rebuilds the lines after a change of data, size or theme.
func (m Model) rerender() Model {
	m.lines = m.render()
	m.offset = m.clamp(m.offset)
	return m
}

func (m Model) render() []string {
	st := m.th.Styles
	switch {
	case m.cfg.Source == nil:
		return []string{st.Muted.Render("  spend is not available: conversations cannot be listed here")}
	case !m.loaded:
		return []string{st.Muted.Render("  reading what every running sandbox's conversations cost…")}
	}
	s, r := m.res.Summary, m.res.Report
	now := m.c.Now()
	var out []string
	// Every name below came from a server (models, ids, titles): it is
	// sanitised and masked before it is styled.
	safe := backend.SafeText
	out = append(out, st.Title.Render("Spend")+"  "+st.Accent.Render(format.Cost(s.Total.Cost))+
		fmt.Sprintf("  %s tokens  %s in %s", format.Count(s.Total.Tokens.Total()), plural(s.Total.Conversations, "conversation"), plural(len(s.BySandbox), "sandbox"))+
		st.Muted.Render("  · "+listedAgo(now, m.listedAt)))
	t := s.Total.Tokens
	out = append(out, st.Muted.Render(fmt.Sprintf("  prompt %s · completion %s · cache read %s · cache write %s · reasoning %s",
		format.Count(t.Prompt), format.Count(t.Completion), format.Count(t.CacheRead), format.Count(t.CacheWrite), format.Count(t.Reasoning))))
	out = append(out, m.rateLine())
	for _, c := range m.res.Crossed {
		out = append(out, st.Warning.Render("⚠ "+safe(c.Text())))
	}
	if n := len(m.res.Failed); n > 0 {
		out = append(out, st.Warning.Render(fmt.Sprintf("⚠ %d sandboxes could not be read: their conversations are not counted", n)))
	}
	groups := func(title string, gs []spend.Group) {
		out = append(out, "", st.Header.Render(fmt.Sprintf("%-34s %9s %8s %6s", title, "COST", "TOKENS", "CONVS")))
		for i, g := range gs {
			if i == groupRows {
				out = append(out, st.Muted.Render(fmt.Sprintf("  … %d more", len(gs)-groupRows)))
				break
			}
			name := safe(g.Name)
			if g.Backend != "" {
				name = safe(g.Backend) + "/" + name
			}
			out = append(out, table.Fit(name, 34, false)+fmt.Sprintf(" %9s %8s %6d", format.Cost(g.Cost), format.Count(g.Tokens.Total()), g.Conversations))
		}
		if len(gs) == 0 {
			out = append(out, st.Muted.Render("  none"))
		}
	}
	groups("BY MODEL", s.ByModel)
	groups("BY BACKEND", s.ByBackend)
	groups("BY SANDBOX", s.BySandbox)
	if m.cfg.Monitor != nil && m.cfg.Monitor.History != nil && !m.recordedAt.IsZero() {
		out = append(out, "", st.Header.Render(fmt.Sprintf("%-34s %9s %8s", "PER DAY (UTC)", "COST", "TOKENS")))
		for i := len(r.Days) - 1; i >= 0; i-- {
			d := r.Days[i]
			out = append(out, fmt.Sprintf("%-34s %9s %8s", d.Date, format.Cost(d.Cost), format.Count(d.Tokens.Total())))
		}
	}
	out = append(out, "", st.Header.Render(fmt.Sprintf("%-34s %9s %8s  %s", "COSTLIEST CONVERSATIONS", "COST", "TOKENS", "MODEL · SANDBOX")))
	for i, c := range s.Top {
		if i == topRows {
			break
		}
		title := safe(c.Title)
		if strings.TrimSpace(title) == "" {
			title = safe(c.ID)
		}
		out = append(out, table.Fit(strings.Join(strings.Fields(title), " "), 34, false)+fmt.Sprintf(" %9s %8s  %s · %s",
			format.Cost(c.Cost), format.Count(c.Tokens.Total()), shortModel(safe(c.Model)), safe(c.SandboxID)))
	}
	if len(s.Top) == 0 {
		out = append(out, st.Muted.Render("  no conversations"))
	}
	return out
}

// rateLine is the last hour and today, from the history.
func (m Model) rateLine() string {
	st := m.th.Styles
	switch {
	case m.cfg.Monitor == nil || m.cfg.Monitor.History == nil:
		return st.Muted.Render("  last hour: no spend history (nothing is recorded in this session)")
	case m.histErr != nil:
		return st.Warning.Render("  spend history: " + backend.SafeText(m.histErr.Error()))
	case m.recordedAt.IsZero():
		return st.Muted.Render("  last hour: recording the first snapshot…")
	}
	r := m.res.Report
	line := fmt.Sprintf("  last hour %s · today %s (UTC)", spend.USD(r.LastHour.Cost), spend.USD(r.Today.Cost))
	if g := m.cfg.Monitor.Budget.Global; !g.IsZero() {
		line += st.Muted.Render("  budget" + limit(g.PerHour, "h") + limit(g.PerDay, "day"))
	}
	switch {
	case r.HourCovered <= 0:
		line += st.Muted.Render("  (first snapshot: spend shows from the next one)")
	case r.HourCovered < time.Hour:
		line += st.Muted.Render("  (history covers the last " + format.Age(r.First.Add(r.HourCovered), r.First) + ")")
	}
	return line
}

// limit is one budget limit for the rate line ("" when unset).
func limit(usd float64, per string) string {
	if usd <= 0 {
		return ""
	}
	return " " + spend.USD(usd) + "/" + per
}

// shortModel leaves out a model's provider path (litellm_proxy/openai/)
// where space is short; the by-model section has it whole.
func shortModel(m string) string {
	if i := strings.LastIndexByte(m, '/'); i >= 0 && i < len(m)-1 {
		return m[i+1:]
	}
	return m
}

// plural counts things: "1 sandbox", "3 sandboxes".
func plural(n int, what string) string {
	switch {
	case n == 1:
		return "1 " + what
	case strings.HasSuffix(what, "x"):
		return fmt.Sprintf("%d %ses", n, what)
	}
	return fmt.Sprintf("%d %ss", n, what)
}

// listedAgo says how fresh the totals are.
func listedAgo(now, at time.Time) string {
	if a := format.Age(now, at); a != "now" {
		return "listed " + a + " ago"
	}
	return "listed just now"
}

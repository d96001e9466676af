package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/pane"
	"github.com/ohdash/ohdash/ui/table"
)

// Smallest usable terminal; below it the UI says so instead of drawing a
// broken layout.
const (
	minWidth  = 50
	minHeight = 12
	// splitHeight is the height below which the table and the pane share
	// the screen by zooming (one at a time) instead of splitting.
	splitHeight = 18
	chromeRows  = 4 // title, message line, status bar, help line
)

// layout gives every component its size.
func (m Model) layout() Model {
	if m.width <= 0 || m.height <= 0 {
		return m
	}
	tableH, paneH := m.bodyHeights()
	m.table = m.table.SetSize(m.width, tableH)
	// The pane's first row is its tab bar.
	m, _ = m.eachPane(func(p pane.Pane) (pane.Pane, tea.Cmd) { return p.SetSize(m.width, max(0, paneH-1)), nil })
	m.help.SetWidth(m.width)
	return m
}

// bodyHeights splits the rows between the table and the pane; one of them
// is 0 when zoomed (or forced to zoom on a short terminal).
func (m Model) bodyHeights() (tableH, paneH int) {
	body := max(0, m.height-chromeRows-(m.messageRows()-1))
	if m.zoom || m.height < splitHeight {
		if m.focus == focusTable {
			return body, 0
		}
		return 0, body
	}
	tableH = max(4, body*2/5)
	return tableH, body - tableH
}

// bodyHeight is the rows between the title bar and the message line.
func (m Model) bodyHeight() int {
	t, p := m.bodyHeights()
	return t + p
}

// View implements tea.Model.
func (m Model) View() tea.View {
	v := tea.NewView(m.render())
	v.AltScreen = true
	v.WindowTitle = "ohdash"
	if m.mouse {
		v.MouseMode = tea.MouseModeCellMotion
	}
	// Focus reports stop resource sampling while the terminal is hidden.
	v.ReportFocus = m.stats.enabled()
	return v
}

func (m Model) render() string {
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		return m.tooSmall()
	}
	tableH, paneH := m.bodyHeights()
	rows := []string{m.titleBar()}
	var body []string
	if tableH > 0 {
		body = append(body, m.table.View())
	}
	if paneH > 0 {
		body = append(body, m.paneTabs(), m.active().View())
	}
	bodyStr := strings.Join(body, "\n")
	if m.showHelp {
		bodyStr = m.helpView(m.bodyHeight())
	} else if m.confirm != nil {
		bodyStr = overlay(bodyStr, m.confirm.View(m.width), m.width, tableH+paneH)
	} else if m.composer != nil {
		bodyStr = overlay(bodyStr, m.composer.View(m.width), m.width, tableH+paneH)
	} else if m.urls != nil {
		bodyStr = overlay(bodyStr, m.urls.View(m.width), m.width, tableH+paneH)
	}
	rows = append(rows, bodyStr, m.messageLine(), m.statusBar(), m.helpLine())
	out := strings.Join(rows, "\n")
	return fitBlock(out, m.width, m.height)
}

func (m Model) tooSmall() string {
	msg := fmt.Sprintf("ohdash needs at least %d×%d cells; this terminal is %d×%d.\nEnlarge it, or press q to quit.", minWidth, minHeight, m.width, m.height)
	return lipgloss.Place(m.width, m.height, lipgloss.Center, lipgloss.Center, m.th.Styles.Warning.Render(msg))
}

func (m Model) titleBar() string {
	st := m.th.Styles
	parts := []string{st.Title.Render("ohdash")}
	n, total := m.table.Len(), m.table.Total()
	count := fmt.Sprintf("sandboxes %d", total)
	if n != total {
		count = fmt.Sprintf("sandboxes %d/%d", n, total)
	}
	parts = append(parts, st.Muted.Render(count))
	if n := m.table.MarkCount(); n > 0 {
		parts = append(parts, st.Accent.Render(fmt.Sprintf("%d marked", n)))
	}
	if f := m.table.FilterText(); f != "" && !m.table.Capturing() {
		parts = append(parts, st.Accent.Render("filter: "+f))
	}
	by, desc := m.table.Sort()
	arrow := "↑"
	if desc {
		arrow = "↓"
	}
	parts = append(parts, st.Muted.Render("sort: "+by.String()+" "+arrow))
	switch {
	case m.zoom:
		parts = append(parts, st.Accent.Render("ZOOMED: "+m.keys.Zoom.Help().Key+" restores"))
	case m.height < splitHeight:
		// Forced to show one thing at a time: say how to reach the other.
		parts = append(parts, st.Accent.Render(m.keys.NextFocus.Help().Key+" ⇄ pane"))
	}
	if m.reveal {
		parts = append(parts, st.Error.Bold(true).Render("SECRETS SHOWN"))
	}
	if m.cfg.ReadOnly {
		parts = append(parts, st.Warning.Render("READ-ONLY"))
	}
	return strings.Join(parts, st.Subtle.Render("  │  "))
}

func (m Model) paneTabs() string {
	st := m.th.Styles
	out := make([]string, len(m.panes))
	for i, p := range m.panes {
		// The key comes from the binding, so a remapped key shows.
		n := p.Tab().Help().Key + " " + p.Title()
		if i == m.tab {
			s := st.TabActive
			if m.focus != focusPane {
				s = st.Tab.Bold(true).Underline(true)
			}
			out[i] = s.Render(n)
		} else {
			out[i] = st.Tab.Render(n)
		}
	}
	line := strings.Join(out, "")
	if sel, ok := m.table.Selected(); ok {
		line += st.Muted.Render("  " + backend.CleanText(sel.ID))
	}
	return line
}

// helpLine is the short help of what has the focus.
func (m Model) helpLine() string {
	if m.confirm != nil {
		return m.help.ShortHelpView(m.confirm.KeyMap().ShortHelp())
	}
	if m.composer != nil {
		return m.help.ShortHelpView(m.composer.KeyMap().ShortHelp())
	}
	if m.showHelp {
		return m.help.ShortHelpView(m.helpScreenKeys())
	}
	return m.help.ShortHelpView(m.shortHelp())
}

// overlay draws box centred over base, which is w×h cells.
func overlay(base, box string, w, h int) string {
	bw, bh := lipgloss.Width(box), lipgloss.Height(box)
	x, y := max(0, (w-bw)/2), max(0, (h-bh)/2)
	return lipgloss.NewCompositor(
		lipgloss.NewLayer(base),
		lipgloss.NewLayer(box).X(x).Y(y).Z(1),
	).Render()
}

// fitBlock makes s exactly w×h cells: every frame the same shape, so the
// terminal never keeps stale cells from a longer line.
func fitBlock(s string, w, h int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > h {
		lines = lines[:h]
	}
	for i := range lines {
		lines[i] = table.Fit(lines[i], w, false)
	}
	for len(lines) < h {
		lines = append(lines, strings.Repeat(" ", w))
	}
	return strings.Join(lines, "\n")
}

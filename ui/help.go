package ui

import (
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/ui/pane"
	"github.com/ohdash/ohdash/ui/table"
)

// shortHelp lists the keys that matter most for what has the focus. It is
// built from the same bindings Update matches, so it cannot drift.
func (m Model) shortHelp() []key.Binding {
	k := m.keys
	var b []key.Binding
	if m.capturing() {
		// While a filter or search is typed into, every other key is
		// text: offering s sort or q quit then would be wrong.
		if m.focus == focusPane {
			pk, _ := m.active().ShortHelp()
			return pk
		}
		tk := m.table.KeyMap()
		return []key.Binding{tk.AcceptFilter, tk.ClearFilter}
	}
	if m.focus == focusTable {
		b = append(b, m.table.KeyMap().ShortHelp()...)
		b = append(b, k.Open)
		if !m.cfg.ReadOnly && m.table.Total() == 0 && !m.anySourceDown() {
			// With nothing listed, creating a sandbox is the next step;
			// not while a source does not answer: fixing that comes first.
			b = append([]key.Binding{k.Start}, b...)
		}
	}
	own := false
	if m.focus == focusPane {
		var pk []key.Binding
		pk, own = m.active().ShortHelp()
		b = append(b, pk...)
		b = append(b, k.Back)
	}
	// A pane with actions of its own (conversations) lists them instead;
	// the sandbox actions still work and stay listed in the full help.
	if !m.cfg.ReadOnly && !own && m.table.Total() > 0 {
		// With no sandbox, there is nothing to pause or delete.
		b = append(b, k.Pause, k.Resume, k.Delete)
	}
	return append(b, k.Help, k.Quit)
}

// helpLines is the full help: global keys, sandbox actions, the table's
// keys and the current pane's keys, in columns.
func (m Model) helpLines() []string {
	k := m.keys
	st := m.th.Styles
	type section struct {
		title  string
		groups [][]key.Binding
	}
	// One heading per part of the screen: the sandboxes table and a
	// pane's list have keys in common (/ filter, ↑/k up), and side by
	// side without headings they read as one block printed twice.
	sections := []section{{"Everywhere", [][]key.Binding{k.Global(), k.More()}}}
	if !m.cfg.ReadOnly {
		sections = append(sections, section{"Sandbox actions", [][]key.Binding{k.SandboxActions()}})
	}
	sections = append(sections, section{"Sandboxes table", m.table.KeyMap().FullHelp()})
	if hs, ok := m.active().(pane.HelpSectioner); ok {
		for _, s := range hs.HelpSections() {
			sections = append(sections, section{s.Title, s.Groups})
		}
	} else {
		sections = append(sections, section{m.active().Title() + " pane", m.active().FullHelp()})
	}
	// Each section is a block (its heading over its keys); blocks sit
	// side by side when the width allows, like the key columns inside.
	var blocks [][]string
	for _, s := range sections {
		body := m.packHelp(s.groups)
		for len(body) > 0 && body[len(body)-1] == "" {
			body = body[:len(body)-1]
		}
		if len(body) == 0 {
			continue
		}
		blocks = append(blocks, append([]string{st.Header.Underline(true).Render(s.title)}, body...))
	}
	lines := bands(blocks, m.width)
	for len(lines) > 0 && lines[len(lines)-1] == "" {
		lines = lines[:len(lines)-1]
	}
	return lines
}

// helpCloseKeys is the help screen's close entry: the same bindings the
// help screen matches to close.
func (m Model) helpCloseKeys() key.Binding {
	return key.NewBinding(key.WithKeys(append(m.keys.Help.Keys(), m.keys.Back.Keys()...)...),
		key.WithHelp(m.keys.Help.Help().Key+"/"+m.keys.Back.Help().Key, "close help"))
}

// helpScreenKeys are the keys the help screen answers to; the scrolling
// ones only when it has to scroll.
func (m Model) helpScreenKeys() []key.Binding {
	km := m.table.KeyMap()
	if len(m.helpLines()) <= helpRows(m.bodyHeight()) {
		return []key.Binding{m.helpCloseKeys(), m.keys.Quit}
	}
	return []key.Binding{km.Up, km.Down, km.PageUp, km.PageDown, m.helpCloseKeys(), m.keys.Quit}
}

// helpRows is how many help lines fit under the title in height rows.
func helpRows(height int) int { return max(1, height-2) }

// scrollHelp moves the help screen with the table's moving keys.
func (m Model) scrollHelp(kp tea.KeyPressMsg) Model {
	lines, rows := len(m.helpLines()), helpRows(m.bodyHeight())
	if top, moved := m.table.KeyMap().Move(kp, m.helpTop, lines, rows); moved {
		m.helpTop = clampHelpTop(top, lines, rows)
	}
	return m
}

func clampHelpTop(top, lines, rows int) int {
	return max(0, min(top, lines-rows))
}

// helpView is the help screen in height rows. When the keys do not fit,
// it scrolls and the title says where the reader is.
func (m Model) helpView(height int) string {
	st := m.th.Styles
	lines := m.helpLines()
	rows := helpRows(height)
	hint := fmt.Sprintf("  (%s closes)", m.helpCloseKeys().Help().Key)
	if len(lines) > rows {
		top := clampHelpTop(m.helpTop, len(lines), rows)
		km := m.table.KeyMap()
		hint = fmt.Sprintf("  (%s closes · %s %s %s %s scroll · lines %d–%d of %d)", m.helpCloseKeys().Help().Key,
			km.Up.Help().Key, km.Down.Help().Key, km.PageUp.Help().Key, km.PageDown.Help().Key, top+1, top+rows, len(lines))
		lines = lines[top : top+rows]
	}
	out := append([]string{st.Title.Render("Keys") + st.Muted.Render(hint), ""}, lines...)
	for len(out) < height {
		out = append(out, "")
	}
	for i := range out {
		out[i] = table.Fit(out[i], m.width, false)
	}
	return strings.Join(out[:height], "\n")
}

// packHelp lays the groups out as columns, starting a new band of columns
// when the next one would not fit the width. Unlike bubbles' FullHelpView
// it never drops a group on a narrow terminal: every key stays listed.
func (m Model) packHelp(groups [][]key.Binding) []string {
	st := m.th.Styles
	var blocks [][]string
	for _, g := range groups {
		var col []string
		for _, b := range g {
			if !b.Enabled() {
				continue
			}
			h := b.Help()
			col = append(col, st.HelpKey.Render(fmt.Sprintf("%-8s", h.Key))+" "+st.HelpDesc.Render(h.Desc))
		}
		if len(col) > 0 {
			blocks = append(blocks, col)
		}
	}
	return bands(blocks, m.width)
}

// bands lays blocks of lines side by side, three cells apart, starting a
// new band when the next block would pass width; each band ends with an
// empty line.
func bands(blocks [][]string, width int) []string {
	var out []string
	var band [][]string
	bandWidth := 0
	flush := func() {
		if len(band) == 0 {
			return
		}
		rows := 0
		for _, b := range band {
			rows = max(rows, len(b))
		}
		for r := 0; r < rows; r++ {
			var line strings.Builder
			for _, b := range band {
				cell := ""
				if r < len(b) {
					cell = b[r]
				}
				line.WriteString(table.Fit(cell, blockWidth(b), false) + "   ")
			}
			out = append(out, strings.TrimRight(line.String(), " "))
		}
		out = append(out, "")
		band, bandWidth = nil, 0
	}
	for _, b := range blocks {
		w := blockWidth(b) + 3
		if bandWidth+w > width && len(band) > 0 {
			flush()
		}
		band = append(band, b)
		bandWidth += w
	}
	flush()
	return out
}

func blockWidth(b []string) int {
	w := 0
	for _, s := range b {
		w = max(w, lipgloss.Width(s))
	}
	return w
}

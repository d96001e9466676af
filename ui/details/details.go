// Package details is the inspect pane: everything ohdash knows about one
// sandbox, with secrets masked unless the user has asked to reveal them.
package details

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/format"
	"github.com/ohdash/ohdash/ui/table"
)

// KeyMap holds the pane's scrolling keys.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "scroll up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "scroll down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Home:     key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g", "top")),
		End:      key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G", "bottom")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Up, k.Down} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}}
}

// Bindings names every binding for remapping.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"details.up": &k.Up, "details.down": &k.Down, "details.page_up": &k.PageUp,
		"details.page_down": &k.PageDown, "details.top": &k.Home, "details.bottom": &k.End,
	}
}

// Model is the details pane.
type Model struct {
	th            theme.Theme
	keys          KeyMap
	now           func() time.Time
	sb            backend.Sandbox
	has           bool
	reveal        bool
	lines         []string
	offset        int
	width, height int
	focused       bool
}

// New returns an empty pane.
func New(th theme.Theme, keys KeyMap, now func() time.Time) Model {
	return Model{th: th, keys: keys, now: now}
}

// SetSandbox shows s; reveal shows secrets unmasked. Scrolling is kept
// when the same sandbox is refreshed and reset for another one.
func (m Model) SetSandbox(s backend.Sandbox, ok, reveal bool) Model {
	if !ok || !m.has || s.Key() != m.sb.Key() {
		m.offset = 0
	}
	m.sb, m.has, m.reveal = s, ok, reveal
	m.lines = m.render()
	m.offset = m.clamp(m.offset)
	return m
}

// SetTheme restyles the pane.
func (m Model) SetTheme(th theme.Theme) Model { m.th = th; m.lines = m.render(); return m }

// SetSize sets the pane size.
func (m Model) SetSize(w, h int) Model {
	m.width, m.height = w, h
	m.lines = m.render()
	m.offset = m.clamp(m.offset)
	return m
}

// Focus gives the pane the keyboard.
func (m Model) Focus() Model { m.focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; return m }

// KeyMap returns the bindings, for help.
func (m Model) KeyMap() KeyMap { return m.keys }

func (m Model) clamp(off int) int { return max(0, min(off, len(m.lines)-m.height)) }

// Update scrolls when focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		return m, nil
	}
	switch {
	case key.Matches(kp, m.keys.Up):
		m.offset--
	case key.Matches(kp, m.keys.Down):
		m.offset++
	case key.Matches(kp, m.keys.PageUp):
		m.offset -= max(1, m.height-1)
	case key.Matches(kp, m.keys.PageDown):
		m.offset += max(1, m.height-1)
	case key.Matches(kp, m.keys.Home):
		m.offset = 0
	case key.Matches(kp, m.keys.End):
		m.offset = len(m.lines)
	}
	m.offset = m.clamp(m.offset)
	return m, nil
}

// View renders exactly height rows.
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

func (m Model) render() []string {
	if !m.has {
		return []string{m.th.Styles.Muted.Render("  no sandbox selected")}
	}
	s, st := m.sb, m.th.Styles
	var out []string
	section := func(title string) { out = append(out, "", st.Header.Render(title)) }
	// trusted values are ohdash's own styled text; everything else came
	// from the backend and is sanitised, and, unless revealed, masked: a
	// session key masked under its own name must not show in a label, a
	// command line or a URL inside an env value.
	show := func(v string) string { return backend.ShowText(v, m.reveal) }
	trusted := func(name, value string) {
		out = append(out, st.Muted.Render(fmt.Sprintf("  %-16s", name))+" "+value)
	}
	field := func(name, value string) {
		if value != "" {
			trusted(show(name), show(value))
		}
	}
	out = append(out, st.Title.Render(show(s.ID)))
	field("source", s.Source)
	field("flavor", flavorName(s.Flavor))
	trusted("status", m.th.Status(s.Status))
	field("raw state", s.RawState)
	field("detail", s.StatusDetail)
	field("spec / image", s.SpecID)
	if s.Image != s.SpecID {
		field("image", s.Image)
	}
	field("created", stamp(m.now(), s.CreatedAt))
	field("started", stamp(m.now(), s.StartedAt))
	field("conversation", s.ConversationID)
	field("working dir", s.WorkingDir)
	if s.TTY {
		field("tty", "yes (stdout and stderr are merged)")
	}
	if s.RestartCount > 0 {
		field("restarts", fmt.Sprintf("%d: %s", s.RestartCount, strings.Join(s.RestartReasons, "; ")))
	}
	section("Health")
	field("agent-server", s.Health.State.String())
	if !s.Health.Checked.IsZero() {
		field("checked", stamp(m.now(), s.Health.Checked))
	}
	field("latency", format.Latency(s.Health.Latency))
	field("why", s.Health.Detail)
	section("Exposed URLs")
	for _, u := range s.ExposedURLs {
		field(u.Name, u.Display(m.reveal))
	}
	if len(s.ExposedURLs) == 0 {
		out = append(out, st.Muted.Render("  none (not running, or not published)"))
	}
	key := s.SessionAPIKey.String()
	if m.reveal {
		key = s.SessionAPIKey.Reveal()
	}
	field("session key", key)
	if len(s.Ports) > 0 {
		section("Ports")
		for _, p := range s.Ports {
			field(fmt.Sprintf("%d/%s", p.ContainerPort, p.Protocol), hostPort(p))
		}
	}
	if len(s.Labels) > 0 {
		section("Labels")
		names := make([]string, 0, len(s.Labels))
		for k := range s.Labels {
			names = append(names, k)
		}
		slices.Sort(names)
		for _, k := range names {
			out = append(out, "  "+show(k)+"="+show(s.Labels[k]))
		}
	}
	if len(s.Env) > 0 {
		section("Environment")
		for _, e := range s.Env {
			out = append(out, "  "+show(e.Name)+"="+show(e.Display(m.reveal)))
		}
	}
	if len(s.Details) > 0 {
		section("More")
		for _, f := range s.Details {
			field(f.Name, f.Value)
		}
	}
	if !m.reveal {
		out = append(out, "", st.Muted.Render("  secrets are masked; x reveals them"))
	}
	return out
}

func flavorName(f backend.Flavor) string {
	switch f {
	case backend.FlavorAgentServer:
		return "V1 agent-server"
	case backend.FlavorNestedV0:
		return "V0 nested runtime"
	default:
		return string(f)
	}
}

func hostPort(p backend.PortBinding) string {
	if p.HostPort == 0 {
		return "not published"
	}
	ip := p.HostIP
	if ip == "" {
		ip = "0.0.0.0"
	}
	return fmt.Sprintf("%s:%d", ip, p.HostPort)
}

func stamp(now, t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05") + " (" + format.Age(now, t) + " ago)"
}

// Package confirm is the confirmation dialog shown before any action that
// changes a sandbox or a conversation. It names what is at stake and
// defaults to "no", so a stray enter never deletes anything.
package confirm

import (
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/format"
)

// KeyMap holds the dialog's keys.
type KeyMap struct {
	Yes, No, Toggle, Choose key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Yes:    key.NewBinding(key.WithKeys("y", "Y"), key.WithHelp("y", "confirm")),
		No:     key.NewBinding(key.WithKeys("n", "N", "esc", "q"), key.WithHelp("n/esc", "cancel")),
		Toggle: key.NewBinding(key.WithKeys("left", "right", "tab", "h", "l"), key.WithHelp("←/→", "choose")),
		Choose: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "choose highlighted")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Yes, k.No, k.Toggle, k.Choose} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Bindings names every binding for remapping.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	return map[string]*key.Binding{"confirm.yes": &k.Yes, "confirm.no": &k.No, "confirm.toggle": &k.Toggle, "confirm.choose": &k.Choose}
}

// ResultMsg is sent when the dialog closes. Payload is what the caller
// attached when it opened the dialog (the action to run).
type ResultMsg struct {
	Confirmed bool
	Payload   any
}

// Model is an open confirmation dialog.
type Model struct {
	th      theme.Theme
	keys    KeyMap
	title   string
	body    string
	yes     string
	payload any
	onYes   bool
	width   int
}

// New opens a dialog. title is the action ("delete oh-agent-server-x"),
// body says what it does and what is lost, yes labels the confirm button.
func New(th theme.Theme, keys KeyMap, title, body, yes string, payload any) Model {
	return Model{th: th, keys: keys, title: title, body: body, yes: yes, payload: payload}
}

// Title is the action the dialog asks about.
func (m Model) Title() string { return m.title }

// KeyMap returns the bindings, for help.
func (m Model) KeyMap() KeyMap { return m.keys }

// Update handles the dialog's keys. When the dialog closes it returns a
// Cmd that delivers ResultMsg.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok {
		return m, nil
	}
	switch {
	case key.Matches(kp, m.keys.Yes):
		return m, m.result(true)
	case key.Matches(kp, m.keys.No):
		return m, m.result(false)
	case key.Matches(kp, m.keys.Toggle):
		m.onYes = !m.onYes
	case key.Matches(kp, m.keys.Choose):
		return m, m.result(m.onYes)
	}
	return m, nil
}

func (m Model) result(ok bool) tea.Cmd {
	p := m.payload
	return func() tea.Msg { return ResultMsg{Confirmed: ok, Payload: p} }
}

// View renders the dialog box, at most maxWidth cells wide.
func (m Model) View(maxWidth int) string {
	w := min(maxWidth-4, 64)
	if w < 20 {
		w = max(10, maxWidth-2)
	}
	st := m.th.Styles
	btn := func(label string, active bool) string {
		s := lipgloss.NewStyle().Padding(0, 1)
		if active {
			return s.Inherit(st.TabActive).Render(label)
		}
		return s.Inherit(st.Muted).Render(label)
	}
	buttons := btn("["+m.yes+"] y", m.onYes) + "  " + btn("[cancel] n", !m.onYes)
	content := strings.Join([]string{
		st.Warning.Bold(true).Render(m.title + "?"),
		"",
		// Wrapped at spaces only: names and images stay whole.
		lipgloss.NewStyle().Width(w).Render(strings.Join(format.WrapWords(m.body, w), "\n")),
		"",
		buttons,
	}, "\n")
	return st.Dialog.Render(content)
}

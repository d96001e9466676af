// Package composer is the message composer: a multi-line input that sends
// one message to the focused conversation. It is a dialog like confirm:
// while open it takes every key, and it never sends an empty message.
package composer

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	tea "charm.land/bubbletea/v2"
	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/theme"
)

// KeyMap holds the composer's keys. Enter sends, because most messages
// are one line; a newline needs a key that terminals report distinctly
// from enter without any keyboard protocol (ctrl+j is a raw line feed).
type KeyMap struct {
	Send, Newline, Cancel key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Send:    key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "send")),
		Newline: key.NewBinding(key.WithKeys("ctrl+j", "alt+enter", "shift+enter"), key.WithHelp("ctrl+j", "new line")),
		Cancel:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel (draft kept)")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Send, k.Newline, k.Cancel} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding { return [][]key.Binding{k.ShortHelp()} }

// Bindings names every binding for remapping.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	return map[string]*key.Binding{"composer.send": &k.Send, "composer.newline": &k.Newline, "composer.cancel": &k.Cancel}
}

// SubmitMsg is sent when the user sends: Text is what they typed, trimmed
// of surrounding blank lines; Payload is what the caller attached.
type SubmitMsg struct {
	Text    string
	Payload any
}

// CancelMsg is sent when the user closes the composer without sending.
// Draft is the text as left, so the caller can offer it again: cancelling
// must never lose what was typed.
type CancelMsg struct {
	Draft   string
	Payload any
}

// Model is an open composer.
type Model struct {
	th      theme.Theme
	keys    KeyMap
	title   string
	payload any
	input   textarea.Model
	note    string
	done    bool
}

// Done reports that the composer has sent or cancelled: the caller closes
// it at once, so keys typed before the result message arrives are not
// typed into a message that has already gone.
func (m Model) Done() bool { return m.done }

// Rows is the height of the input; longer messages scroll inside it.
const Rows = 5

// New opens a composer titled with where the message goes, holding draft
// (an earlier, unsent message) and payload (returned with the result).
// The returned Cmd starts the cursor.
func New(th theme.Theme, keys KeyMap, title, draft string, payload any) (Model, tea.Cmd) {
	in := textarea.New()
	in.ShowLineNumbers = false
	in.Prompt = "│ "
	in.Placeholder = "message to the agent"
	in.CharLimit = 0
	in.KeyMap.InsertNewline = keys.Newline
	in.SetHeight(Rows)
	in.SetStyles(textarea.DefaultStyles(th.Dark))
	in.SetValue(draft)
	cmd := in.Focus()
	return Model{th: th, keys: keys, title: title, payload: payload, input: in}, cmd
}

// WithPlaceholder replaces the hint shown while the input is empty (the
// command runner asks for a command line, not a message).
func (m Model) WithPlaceholder(s string) Model {
	m.input.Placeholder = s
	return m
}

// KeyMap returns the bindings, for help.
func (m Model) KeyMap() KeyMap { return m.keys }

// Value is the text typed so far.
func (m Model) Value() string { return m.input.Value() }

// Update handles keys and pastes while the composer is open.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if kp, ok := msg.(tea.KeyPressMsg); ok {
		switch {
		case key.Matches(kp, m.keys.Cancel):
			d, p := m.input.Value(), m.payload
			m.done = true
			return m, func() tea.Msg { return CancelMsg{Draft: d, Payload: p} }
		case key.Matches(kp, m.keys.Send):
			text := strings.Trim(m.input.Value(), " \t\r\n")
			if text == "" {
				m.note = "nothing to send: type a message, or esc to close"
				return m, nil
			}
			p := m.payload
			m.done = true
			return m, func() tea.Msg { return SubmitMsg{Text: text, Payload: p} }
		}
		m.note = ""
	}
	var cmd tea.Cmd
	m.input, cmd = m.input.Update(msg)
	return m, cmd
}

// View renders the composer box, at most maxWidth cells wide.
func (m Model) View(maxWidth int) string {
	w := min(maxWidth-4, 90)
	if w < 20 {
		w = max(10, maxWidth-2)
	}
	m.input.SetWidth(w)
	st := m.th.Styles
	hint := st.Muted.Render(m.keys.Send.Help().Key + " send · " + m.keys.Newline.Help().Key + " new line · " + m.keys.Cancel.Help().Key + " cancel")
	if m.note != "" {
		hint = st.Warning.Render(m.note)
	}
	content := strings.Join([]string{
		st.Accent.Bold(true).Render(truncate(m.title, w)),
		m.input.View(),
		hint,
	}, "\n")
	return st.Dialog.BorderForeground(m.th.Palette.Accent).Render(content)
}

func truncate(s string, w int) string {
	if lipgloss.Width(s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 0 && lipgloss.Width(string(r))+1 > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// Package urls is the list of a sandbox's exposed URLs that o opens: each
// shown masked and sanitised, as an OSC 8 hyperlink when its target is
// safe to hand to the terminal, with enter to open it in the local
// browser (when there is one) or copy it (OSC 52, which reaches the
// local clipboard over SSH too). Like a dialog, it takes every key while
// open.
package urls

import (
	"net/url"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
	"github.com/ohdash/ohdash/theme"
)

// Item is one exposed URL; URL is the real one (it may carry a token).
type Item struct {
	Name, URL string
}

// KeyMap holds the list's keys; the root builds it from its own
// bindings (remapping those remaps these).
type KeyMap struct {
	Up, Down, Choose, Copy, Close key.Binding
}

// Action is what a key asked of the root.
type Action int

// Actions.
const (
	None Action = iota
	Close
	Copy
	Open
)

// Model is an open list.
type Model struct {
	th      theme.Theme
	keys    KeyMap
	sandbox string
	items   []Item
	cursor  int
	reveal  bool
	browser bool
}

// New opens the list for sandbox (shown sanitised); browser says that a
// local browser can open URLs (otherwise enter copies); reveal shows
// tokens and lets links carry them.
func New(th theme.Theme, keys KeyMap, sandbox string, items []Item, reveal, browser bool) Model {
	return Model{th: th, keys: keys, sandbox: sandbox, items: items, reveal: reveal, browser: browser}
}

// Selected is the item under the cursor.
func (m Model) Selected() Item { return m.items[m.cursor] }

// Update moves the cursor or returns what the root should do.
func (m Model) Update(kp tea.KeyPressMsg) (Model, Action) {
	switch {
	case key.Matches(kp, m.keys.Close):
		return m, Close
	case key.Matches(kp, m.keys.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(kp, m.keys.Down):
		m.cursor = min(len(m.items)-1, m.cursor+1)
	case key.Matches(kp, m.keys.Copy):
		return m, Copy
	case key.Matches(kp, m.keys.Choose):
		if m.browser {
			return m, Open
		}
		return m, Copy
	}
	return m, None
}

// maxLink bounds a hyperlink target.
const maxLink = 2048

// Link returns the target an OSC 8 hyperlink may carry for raw: an
// absolute http or https URL with a host, re-encoded, with no control
// character, escape or bidi override anywhere; ok is false otherwise (the
// text is then shown without a link). A hostile URL thus cannot end the
// sequence early and inject its own.
func Link(raw string) (string, bool) {
	if len(raw) > maxLink || strings.IndexFunc(raw, sanitize.UnsafeRune) >= 0 {
		return "", false
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.Opaque != "" {
		return "", false
	}
	s := u.String()
	if strings.IndexFunc(s, sanitize.UnsafeRune) >= 0 || strings.ContainsAny(s, "\x1b\x07") {
		return "", false
	}
	return s, true
}

// target is what the hyperlink of it carries: the real URL when it holds
// no credential or secrets are revealed; none when masking changed it (a
// masked link would not work, and the real one must not reach the
// terminal's output unasked: recordings and scrollback keep it).
func (m Model) target(it Item) (string, bool) {
	if !m.reveal && backend.MaskText(it.URL) != it.URL {
		return "", false
	}
	return Link(it.URL)
}

// View renders the list, at most maxWidth cells wide.
func (m Model) View(maxWidth int) string {
	st := m.th.Styles
	w := min(max(maxWidth-4, 20), 110)
	nameW := 0
	for _, it := range m.items {
		nameW = max(nameW, ansi.StringWidth(backend.SafeText(it.Name)))
	}
	lines := []string{st.Accent.Bold(true).Render(ansi.Truncate("URLs of "+m.sandbox, w, "…"))}
	hidden := false
	for i, it := range m.items {
		name := backend.SafeText(it.Name)
		text := backend.ShowText(it.URL, m.reveal)
		row := ansi.Truncate(name+strings.Repeat(" ", nameW-ansi.StringWidth(name))+"  "+text, w-2, "…")
		if t, ok := m.target(it); ok {
			row = ansi.SetHyperlink(t) + row + ansi.ResetHyperlink()
		} else if !m.reveal && backend.MaskText(it.URL) != it.URL {
			hidden = true
		}
		mark := "  "
		if i == m.cursor {
			mark = "› "
			row = st.Accent.Render(row)
		}
		lines = append(lines, mark+row)
	}
	hint := m.keys.Copy.Help().Key + " copy (OSC 52)"
	if m.browser {
		hint = m.keys.Choose.Help().Key + " open in browser · " + hint
	} else {
		hint = m.keys.Choose.Help().Key + "/" + hint + " · no local browser (SSH or no display)"
	}
	hint += " · " + m.keys.Close.Help().Key + " close"
	lines = append(lines, "", st.Muted.Render(ansi.Truncate(hint, w, "…")))
	if hidden {
		lines = append(lines, st.Muted.Render(ansi.Truncate("links with a token are not clickable while secrets are masked (x reveals)", w, "…")))
	}
	return st.Dialog.Render(strings.Join(lines, "\n"))
}

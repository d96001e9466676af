package ui

import (
	"fmt"

	"charm.land/bubbles/v2/key"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/urls"
)

// openedMsg reports a URL handed to the local browser.
type openedMsg struct {
	what string
	err  error
}

// openURLs lists the selected sandbox's exposed URLs (o): VS Code, the
// agent-server, the workers. With a local browser and a single URL, it
// opens that one at once.
func (m Model) openURLs() (Model, tea.Cmd) {
	sel, ok := m.table.Selected()
	if !ok {
		return m.warn("no sandbox selected"), nil
	}
	var items []urls.Item
	for _, u := range sel.ExposedURLs {
		if u.URL != "" {
			items = append(items, urls.Item{Name: u.Name, URL: u.URL})
		}
	}
	name := backend.SafeText(sel.ID)
	if len(items) == 0 {
		return m.warn(name + " exposes no URLs"), nil
	}
	browser := m.cfg.OpenURL != nil
	if browser && len(items) == 1 {
		return m, m.openInBrowser(items[0])
	}
	keys := urls.KeyMap{Up: m.cfg.Keys.Sandboxes.Up, Down: m.cfg.Keys.Sandboxes.Down, Choose: m.keys.Open, Copy: m.keys.Copy, Close: m.keys.Back}
	l := urls.New(m.th, keys, name, items, m.reveal, browser)
	m.urls = &l
	return m, nil
}

// urlsKey handles a key while the URL list is open.
func (m Model) urlsKey(kp tea.KeyPressMsg) (Model, tea.Cmd) {
	l, act := m.urls.Update(kp)
	m.urls = &l
	if act == urls.None && (kp.String() == "q" || key.Matches(kp, m.keys.URLs)) {
		act = urls.Close
	}
	switch act {
	case urls.Close:
		m.urls = nil
	case urls.Copy:
		it := l.Selected()
		m.urls = nil
		// What is pasted into a shell runs: a URL with a line break, an
		// escape or another scheme than http(s) is not copied.
		if _, ok := urls.Link(it.URL); !ok {
			return m.warn(fmt.Sprintf("the %s URL is not an http(s) URL ohdash will copy: not copied", backend.SafeText(it.Name))), nil
		}
		// OSC 52 carries the real URL: copying it is what was asked.
		return m.info(fmt.Sprintf("copied the %s URL (OSC 52)", backend.SafeText(it.Name))), tea.SetClipboard(it.URL)
	case urls.Open:
		it := l.Selected()
		m.urls = nil
		return m, m.openInBrowser(it)
	}
	return m, nil
}

// openInBrowser hands the URL to the local opener in a Cmd (xdg-open or
// open may take a moment); the result comes back as an openedMsg.
func (m Model) openInBrowser(it urls.Item) tea.Cmd {
	open, ctx := m.cfg.OpenURL, m.ctx
	what := "the " + backend.SafeText(it.Name) + " URL"
	if _, ok := urls.Link(it.URL); !ok {
		return func() tea.Msg {
			return openedMsg{err: fmt.Errorf("%s is not an http(s) URL ohdash will open: %w", what, backend.ErrInvalidID)}
		}
	}
	return func() tea.Msg {
		err := open(ctx, it.URL)
		if err != nil {
			err = fmt.Errorf("open %s: %w", what, err)
		}
		return openedMsg{what: what, err: err}
	}
}

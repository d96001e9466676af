// Package alertpane is the alerts tab: the recent alerts (a conversation
// waiting for confirmation, a sandbox that died, a budget crossed) with
// their times, newest first, and the terminal side of the alert channels:
// it writes the bell and desktop-notification sequences the dispatcher
// sends, through Bubble Tea, between frames.
package alertpane

import (
	"fmt"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/pane"
)

// MaxRecent bounds the list: it is a glance at what happened lately, not
// a log (`ohdash watch` and the hook command are for keeping them).
const MaxRecent = 50

// ItemMsg carries one item of the feed and the feed to wait on next.
type ItemMsg struct {
	Item alert.Item
	feed *alert.Feed
}

// Listen waits for the next item of the feed (the channel+Cmd pattern);
// the root starts it once, the pane re-arms it after every item.
func Listen(f *alert.Feed) tea.Cmd {
	if f == nil {
		return nil
	}
	return func() tea.Msg { return ItemMsg{Item: <-f.C(), feed: f} }
}

// Model is the alerts tab.
type Model struct {
	c             pane.Context
	th            theme.Theme
	recent        []alert.Alert
	width, height int
	focused       bool
}

var _ pane.Pane = Model{}

// New builds the tab.
func New(c pane.Context) Model { return Model{c: c, th: c.Theme} }

// Title names the tab, with the count of alerts shown.
func (m Model) Title() string {
	if len(m.recent) == 0 {
		return "Alerts"
	}
	return fmt.Sprintf("Alerts (%d)", len(m.recent))
}

// Tab is the key that shows the tab.
func (m Model) Tab() key.Binding { return m.c.Keys.Root.TabAlerts }

// Update takes the feed's items: an alert joins the list, a sequence goes
// to the terminal as it is (it was built from cleaned text, with no
// control character inside its payload).
func (m Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	im, ok := msg.(ItemMsg)
	if !ok {
		return m, nil
	}
	next := Listen(im.feed)
	if im.Item.Seq != "" {
		return m, tea.Batch(tea.Raw(im.Item.Seq), next)
	}
	m.recent = append([]alert.Alert{im.Item.Alert}, m.recent...)
	if len(m.recent) > MaxRecent {
		m.recent = m.recent[:MaxRecent]
	}
	return m, next
}

// Recent returns the alerts listed, newest first.
func (m Model) Recent() []alert.Alert { return m.recent }

// View lists the alerts that fit, newest first.
func (m Model) View() string {
	if len(m.recent) == 0 {
		return pane.Placeholder(m.height, m.th.Styles.Muted.Render("no alerts yet: they appear here when a conversation needs you or a sandbox stops"))
	}
	rows := make([]string, 0, m.height)
	for i, a := range m.recent {
		if len(rows) == m.height-1 && len(m.recent)-i > 1 {
			rows = append(rows, m.th.Styles.Muted.Render(fmt.Sprintf("  … %d older", len(m.recent)-i)))
			break
		}
		if len(rows) == m.height {
			break
		}
		rows = append(rows, m.row(a))
	}
	for len(rows) < m.height {
		rows = append(rows, "")
	}
	return strings.Join(rows, "\n")
}

// row is one alert: time, backend, what happened (coloured by kind).
// Alerts reach the feed cleaned (escapes dropped, secrets masked).
func (m Model) row(a alert.Alert) string {
	st := m.th.Styles.Warning
	switch a.Kind {
	case alert.ConvError, alert.ConvStuck, alert.SandboxDied, alert.SandboxUnhealthy, alert.Budget:
		st = m.th.Styles.Error
	case alert.ConvFinished, alert.SandboxStopped:
		st = m.th.Styles.Info
	case alert.Suppressed:
		st = m.th.Styles.Muted
	}
	now := m.c.Now()
	t := a.Time.In(now.Location())
	when := t.Format("15:04:05")
	if now.Sub(t) >= 24*time.Hour {
		when = t.Format("Jan 02 15:04")
	}
	line := "  " + m.th.Styles.Muted.Render(when) + "  " + a.Backend + "  " + st.Render(a.Text())
	return ansi.Truncate(line, max(0, m.width), "…")
}

// SetSize sizes the list.
func (m Model) SetSize(w, h int) pane.Pane { m.width, m.height = w, h; return m }

// Focus gives the tab the keyboard (it has no keys of its own).
func (m Model) Focus() pane.Pane { m.focused = true; return m }

// Blur takes it away.
func (m Model) Blur() pane.Pane { m.focused = false; return m }

// SetTheme restyles the list.
func (m Model) SetTheme(th theme.Theme) pane.Pane { m.th = th; return m }

// Show does nothing: alerts arrive whether the tab is shown or not.
func (m Model) Show() (pane.Pane, tea.Cmd) { return m, nil }

// Hide does nothing.
func (m Model) Hide() pane.Pane { return m }

// Select does nothing: the list is of the whole fleet.
func (m Model) Select(pane.World) (pane.Pane, tea.Cmd) { return m, nil }

// Capturing: the tab has no text input.
func (m Model) Capturing() bool { return false }

// WantsEsc: esc always means back here.
func (m Model) WantsEsc() bool { return false }

// Open has nothing to open.
func (m Model) Open() (pane.Pane, bool) { return m, false }

// Back has nowhere to go back to.
func (m Model) Back() (pane.Pane, bool) { return m, false }

// Act has no actions of its own.
func (m Model) Act(tea.KeyPressMsg) (pane.Pane, tea.Cmd, bool) { return m, nil, false }

// ShortHelp adds nothing to the sandbox actions.
func (m Model) ShortHelp() ([]key.Binding, bool) { return nil, false }

// FullHelp: no keys of its own.
func (m Model) FullHelp() [][]key.Binding { return nil }

// Ticking: times are clock times, not ages.
func (m Model) Ticking() bool { return false }

package spendtab

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend/spend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/pane"
)

// Model is the spend pane. It is a value, like every pane.
type Model struct {
	c     pane.Context
	cfg   Config
	th    theme.Theme
	world pane.World

	visible, focused bool
	width, height    int
	offset           int
	lines            []string

	// started is set once the snapshot cadence runs.
	started bool
	// listing is set while a listing is in flight; recordDue asks for a
	// recorded one as soon as it ends.
	listing, recordDue bool
	pollGen            int
	loaded             bool
	res                spend.Result
	listedAt           time.Time
	recordedAt         time.Time
	histErr            error
}

var _ pane.Pane = Model{}

// New builds the pane. It does no I/O: the first snapshot is taken when
// the sandboxes are first known.
func New(c pane.Context, cfg Config) Model {
	if cfg.Refresh <= 0 {
		cfg.Refresh = defaultRefresh
	}
	if cfg.Record <= 0 {
		cfg.Record = defaultRecord
	}
	m := Model{c: c, cfg: cfg, th: c.Theme}
	return m.rerender()
}

// Title names the tab.
func (m Model) Title() string { return "Spend" }

// Tab is the key that shows the pane.
func (m Model) Tab() key.Binding { return m.c.Keys.Root.TabSpend }

// Select keeps the fleet's sandboxes; the first world with sandboxes in
// it starts the snapshot cadence (an empty first snapshot, taken before
// the backends answered, would only mark the history as started).
func (m Model) Select(w pane.World) (pane.Pane, tea.Cmd) {
	m.world = w
	if m.started || len(w.Sandboxes) == 0 || m.cfg.Source == nil {
		return m, nil
	}
	m.started = true
	m, cmd := m.list(true)
	return m, tea.Batch(cmd, m.recordCmd())
}

// Update handles the pane's messages and, with the keyboard, scrolling.
func (m Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	switch msg := msg.(type) {
	case listedMsg:
		return m.apply(msg)
	case recordMsg:
		m, cmd := m.list(true)
		return m, tea.Batch(cmd, m.recordCmd())
	case pollMsg:
		if msg.gen != m.pollGen || !m.visible {
			return m, nil
		}
		m, cmd := m.list(false)
		return m, tea.Batch(cmd, m.pollCmd())
	case tea.KeyPressMsg:
		return m.scroll(msg), nil
	}
	return m, nil
}

func (m Model) scroll(kp tea.KeyPressMsg) Model {
	k := m.c.Keys.Details
	switch {
	case key.Matches(kp, k.Up):
		m.offset--
	case key.Matches(kp, k.Down):
		m.offset++
	case key.Matches(kp, k.PageUp):
		m.offset -= max(1, m.height-1)
	case key.Matches(kp, k.PageDown):
		m.offset += max(1, m.height-1)
	case key.Matches(kp, k.Home):
		m.offset = 0
	case key.Matches(kp, k.End):
		m.offset = len(m.lines)
	}
	m.offset = m.clamp(m.offset)
	return m
}

func (m Model) clamp(off int) int { return max(0, min(off, len(m.lines)-m.height)) }

// SetSize sizes the pane.
func (m Model) SetSize(w, h int) pane.Pane {
	m.width, m.height = w, h
	return m.rerender()
}

// Focus gives the pane the keyboard.
func (m Model) Focus() pane.Pane { m.focused = true; return m }

// Blur takes it away.
func (m Model) Blur() pane.Pane { m.focused = false; return m }

// SetTheme restyles the pane.
func (m Model) SetTheme(th theme.Theme) pane.Pane { m.th = th; return m.rerender() }

// Show lists at once and keeps the list fresh while shown.
func (m Model) Show() (pane.Pane, tea.Cmd) {
	m.visible = true
	m.pollGen++
	if m.cfg.Source == nil {
		return m, nil
	}
	m, cmd := m.list(false)
	return m, tea.Batch(cmd, m.pollCmd())
}

// Hide stops the shown refresh; the minute snapshots go on.
func (m Model) Hide() pane.Pane {
	m.visible = false
	m.pollGen++
	return m
}

// Capturing: the pane has no text input.
func (m Model) Capturing() bool { return false }

// WantsEsc: esc always means back here.
func (m Model) WantsEsc() bool { return false }

// Open has nothing to open.
func (m Model) Open() (pane.Pane, bool) { return m, false }

// Back has nowhere to go back to.
func (m Model) Back() (pane.Pane, bool) { return m, false }

// Act has no actions of its own.
func (m Model) Act(tea.KeyPressMsg) (pane.Pane, tea.Cmd, bool) { return m, nil, false }

// ShortHelp is the scrolling keys.
func (m Model) ShortHelp() ([]key.Binding, bool) {
	return m.c.Keys.Details.ShortHelp(), false
}

// FullHelp is the scrolling keys.
func (m Model) FullHelp() [][]key.Binding { return m.c.Keys.Details.FullHelp() }

// Ticking: the pane shows no countdown.
func (m Model) Ticking() bool { return false }

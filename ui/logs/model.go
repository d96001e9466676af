// Package logs is the logs pane: a sandbox's container log stream shown in a
// virtualised, searchable text view (ui/textview) under a one-row header
// that states where the stream stands and what was lost (evicted by the
// display caps, dropped by the stream) — never silently.
//
// The pane owns its stream: Open cancels the previous one and starts the new
// one inside a tea.Cmd; each batch re-arms a Cmd that waits for the next.
// Messages carry a generation number, so batches from a superseded stream
// are dropped instead of interleaving two sandboxes' logs.
package logs

import (
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/stream"
	"github.com/ohdash/ohdash/ui/textview"
)

// DefaultTail is how many lines of history a stream starts with.
const DefaultTail = 1000

// phase is where the pane's stream stands, before the backend's own State.
type phase uint8

const (
	phaseIdle    phase = iota // nothing opened yet
	phaseOpening              // Logs() is being called
	phaseOpen                 // batches are flowing
	phaseFailed               // Logs() returned an error
	phaseClosed               // the channel closed, or Close was called
)

// Model is the logs pane. Build it with New; it is a value, like every
// Bubble Tea component: keep the one Update returns.
type Model struct {
	styles styles
	keys   KeyMap
	view   textview.Model
	input  textinput.Model

	focused   bool
	capturing bool // the search input has focus
	width     int
	height    int
	tail      int

	title     string
	sandboxID string
	stream    stream.Stream
	phase     phase
	state     logbuf.State
	stateErr  error
	openErr   error
	dropped   uint64
}

// styles are the header's styles, derived from the theme.
type styles struct {
	title, titleBlurred, muted, sep, ok, warn, bad, info, accent lipgloss.Style
}

func newStyles(th theme.Theme) styles {
	s := th.Styles
	return styles{
		title:        s.Title,
		titleBlurred: s.Header,
		muted:        s.Muted,
		sep:          s.Subtle,
		ok:           s.Success,
		warn:         s.Warning,
		bad:          s.Error,
		info:         s.Info,
		accent:       s.Accent,
	}
}

type config struct {
	keys     KeyMap
	tail     int
	viewOpts []textview.Option
}

// Option configures New.
type Option func(*config)

// WithKeyMap replaces the default key bindings (see KeyMap.Bindings).
func WithKeyMap(k KeyMap) Option { return func(c *config) { c.keys = k } }

// WithTail sets how many lines of history a stream starts with (default
// DefaultTail; negative means all).
func WithTail(n int) Option { return func(c *config) { c.tail = n } }

// WithMaxLines caps the lines the pane holds (textview.DefaultMaxLines).
func WithMaxLines(n int) Option {
	return func(c *config) { c.viewOpts = append(c.viewOpts, textview.WithMaxLines(n)) }
}

// WithMaxBytes caps the bytes the pane holds (textview.DefaultMaxBytes).
func WithMaxBytes(n int) Option {
	return func(c *config) { c.viewOpts = append(c.viewOpts, textview.WithMaxBytes(n)) }
}

// WithLocation sets the time zone of the timestamp column (default Local).
func WithLocation(loc *time.Location) Option {
	return func(c *config) { c.viewOpts = append(c.viewOpts, textview.WithLocation(loc)) }
}

// WithWrap sets whether long lines start wrapped (default on).
func WithWrap(on bool) Option {
	return func(c *config) { c.viewOpts = append(c.viewOpts, textview.WithWrap(on)) }
}

// WithTimestamps sets whether the timestamp column starts shown (default off).
func WithTimestamps(on bool) Option {
	return func(c *config) { c.viewOpts = append(c.viewOpts, textview.WithTimestamps(on)) }
}

// New returns an idle pane; Open starts a stream.
func New(th theme.Theme, opts ...Option) Model {
	c := config{keys: DefaultKeyMap(), tail: DefaultTail}
	for _, o := range opts {
		o(&c)
	}
	m := Model{
		styles: newStyles(th),
		keys:   c.keys,
		view:   textview.New(th, c.viewOpts...),
		input:  newInput(th),
		tail:   c.tail,
	}
	m.syncKeys()
	return m
}

func newInput(th theme.Theme) textinput.Model {
	in := textinput.New()
	in.Prompt = "/"
	in.Placeholder = "search"
	st := textinput.DefaultStyles(th.Dark)
	st.Focused.Prompt = th.Styles.Accent
	st.Focused.Placeholder = th.Styles.Subtle
	st.Cursor.Color = th.Palette.Accent
	// A blinking cursor would wake the program twice a second for nothing.
	st.Cursor.Blink = false
	in.SetStyles(st)
	return in
}

// SetSize sets the pane's size in cells: one header row, the rest is text.
func (m Model) SetSize(w, h int) Model {
	m.width, m.height = max(0, w), max(0, h)
	m.view = m.view.SetSize(m.width, max(0, m.height-1))
	m.input.SetWidth(max(1, m.width-lipgloss.Width(m.input.Prompt)-1))
	return m
}

// Focus gives the pane the keyboard.
func (m Model) Focus() Model {
	m.focused = true
	return m
}

// Blur takes the keyboard away; an open search input is closed (the search
// itself stays).
func (m Model) Blur() Model {
	m.focused = false
	m.capturing = false
	m.input.Blur()
	return m
}

// Focused reports whether the pane has the keyboard.
func (m Model) Focused() bool { return m.focused }

// Capturing reports whether the search input has the keyboard, so that the
// parent must not act on global shortcuts (like q) while the user types.
func (m Model) Capturing() bool { return m.capturing }

// SearchActive reports whether a search is applied. The pane then uses esc
// to clear it, which a parent may want to know before using esc itself.
func (m Model) SearchActive() bool { return m.view.SearchStatus().Query != "" }

// SandboxID is the sandbox whose logs are (or were last) shown.
func (m Model) SandboxID() string { return m.sandboxID }

// KeyMap returns the bindings in effect (disabled ones are hidden in help).
func (m Model) KeyMap() KeyMap { return m.keys }

// ShortHelp implements help.KeyMap for the pane's current mode: while the
// search input has focus only its keys apply.
func (m Model) ShortHelp() []key.Binding {
	if m.capturing {
		return m.keys.searchKeys()
	}
	return m.keys.ShortHelp()
}

// FullHelp implements help.KeyMap for the pane's current mode.
func (m Model) FullHelp() [][]key.Binding {
	if m.capturing {
		return [][]key.Binding{m.keys.searchKeys()}
	}
	return m.keys.FullHelp()
}

// syncKeys enables the bindings that make sense in the current state, so
// help shows only what works: left/right only when not wrapping,
// next/previous/clear only with a search.
func (m *Model) syncKeys() {
	searching := m.SearchActive()
	m.keys.Left.SetEnabled(!m.view.Wrapping())
	m.keys.Right.SetEnabled(!m.view.Wrapping())
	m.keys.SearchNext.SetEnabled(searching)
	m.keys.SearchPrev.SetEnabled(searching)
	m.keys.SearchClear.SetEnabled(searching)
}

// SetTheme restyles the pane after the terminal reported a different
// background.
func (m Model) SetTheme(th theme.Theme) Model {
	m.styles = newStyles(th)
	m.view = m.view.SetStyles(textview.DefaultStyles(th))
	value, focused := m.input.Value(), m.input.Focused()
	m.input = newInput(th)
	m.input.SetValue(value)
	if focused {
		_ = m.input.Focus()
	}
	m.input.SetWidth(max(1, m.width-lipgloss.Width(m.input.Prompt)-1))
	return m
}

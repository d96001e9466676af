// Package events is the events pane: one agent conversation's events, one
// line each, arriving live over the conversation's event stream.
//
// The pane owns its stream: Open cancels the previous one, and messages
// carry a generation so a superseded stream's deliveries are dropped. It
// holds at most MaxEvents events; older ones are paged in from the
// agent-server's history when the cursor reaches the top, and a frame
// renders only the visible window.
package events

import (
	"context"
	"time"

	"charm.land/bubbles/v2/key"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/stream"
	"github.com/ohdash/ohdash/ui/textview"
)

// Defaults of the in-memory cap and of the history a stream starts with.
const (
	DefaultMaxEvents = 5000
	DefaultTail      = 500
)

// item is one row: an event, or a back-fill marker (marker > 0) saying
// how many events that follow were recovered after a reconnect.
type item struct {
	ev     backend.Event
	marker int
}

// State is what the stream last said about the conversation, for the
// root to keep the conversation's row current.
type State struct {
	Conn      backend.ConnState
	Status    backend.ExecutionStatus
	Cost      float64
	Tokens    backend.TokenUsage
	HaveStats bool
	// LastEvent is the time of the newest event delivered, zero before
	// any: the conversation was last updated then at the latest.
	LastEvent time.Time
}

// Model is the events pane. It is a value: keep what Update returns.
type Model struct {
	th   theme.Theme
	keys KeyMap
	now  func() time.Time

	maxEvents, tail int

	// The open conversation and its sources.
	ctx    context.Context
	src    backend.EventStreamer
	pager  backend.EventPager
	sb     backend.Sandbox
	conv   backend.Conversation
	stream stream.Stream
	closed bool
	noSrc  bool

	state   State
	typing  string
	skipped int

	items []item
	vis   []int // indices into items that pass the filters
	// evicted counts events dropped from the front to respect the cap;
	// olderMore says the server may hold events before the oldest held.
	evicted   int
	olderMore bool
	paging    bool
	pageErr   error
	// newestDropped: paging in history pushed the newest events out of
	// memory; going back to the bottom reopens the stream.
	newestDropped bool

	cursor, offset int
	follow         bool

	kind   kindFilter
	source sourceFilter
	quiet  bool

	// The expanded event, shown as pretty JSON.
	expanded  bool
	detailID  string
	detailErr error
	detail    textview.Model

	width, height int
	focused       bool
}

// Option configures New.
type Option func(*Model)

// WithKeyMap replaces the default bindings.
func WithKeyMap(k KeyMap) Option { return func(m *Model) { m.keys = k } }

// WithClock sets the clock for countdowns (tests pin it).
func WithClock(now func() time.Time) Option { return func(m *Model) { m.now = now } }

// WithMaxEvents sets the in-memory cap (default DefaultMaxEvents).
// The pane trims back to n once it holds a quarter more.
func WithMaxEvents(n int) Option { return func(m *Model) { m.maxEvents = max(100, n) } }

// WithTail sets how much history a stream starts with (default
// DefaultTail; older events are paged in on demand).
func WithTail(n int) Option { return func(m *Model) { m.tail = max(1, n) } }

// New returns an idle pane; Open starts a stream.
func New(th theme.Theme, opts ...Option) Model {
	m := Model{th: th, keys: DefaultKeyMap(), now: time.Now, maxEvents: DefaultMaxEvents, tail: DefaultTail, follow: true}
	for _, o := range opts {
		o(&m)
	}
	m.detail = textview.New(th, textview.WithWrap(true), textview.WithMaxLines(200_000))
	return m
}

// Key is the Key of the open conversation, "" when none is open.
func (m Model) Key() string {
	if m.conv.ID == "" {
		return ""
	}
	return m.conv.Key()
}

// State is the stream's latest word on the conversation.
func (m Model) State() State { return m.state }

// Len is the number of events held in memory.
func (m Model) Len() int { return len(m.items) }

// SetSize sets the pane's size: a header row, the rest is events.
func (m Model) SetSize(w, h int) Model {
	m.width, m.height = w, h
	m.detail = m.detail.SetSize(w, max(0, h-1))
	return m.clampView()
}

// Focus gives the pane the keyboard.
func (m Model) Focus() Model { m.focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; return m }

// Focused reports whether the pane has the keyboard.
func (m Model) Focused() bool { return m.focused }

// SetTheme restyles the pane.
func (m Model) SetTheme(th theme.Theme) Model {
	m.th = th
	m.detail = m.detail.SetStyles(textview.DefaultStyles(th))
	return m
}

// WantsEsc reports whether esc closes something here (the JSON view).
func (m Model) WantsEsc() bool { return m.expanded }

// Capturing is always false: the pane has no text input.
func (m Model) Capturing() bool { return false }

// KeyMap returns the bindings in effect.
func (m Model) KeyMap() KeyMap { return m.keys }

// ShortHelp implements help.KeyMap for the pane's mode.
func (m Model) ShortHelp() []key.Binding {
	if m.expanded {
		return []key.Binding{m.keys.Up, m.keys.Down, m.keys.Collapse}
	}
	return m.keys.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// listRows is the number of event rows on screen.
func (m Model) listRows() int {
	n := m.height - 1
	if m.typing != "" {
		n--
	}
	return max(0, n)
}

// clampView keeps the cursor in range and on screen; following pins it to
// the newest event.
func (m Model) clampView() Model {
	if m.follow {
		m.cursor = len(m.vis) - 1
	}
	m.cursor = max(0, min(m.cursor, len(m.vis)-1))
	rows := m.listRows()
	if m.follow || m.cursor >= m.offset+rows {
		m.offset = m.cursor - rows + 1
	}
	if m.cursor < m.offset {
		m.offset = m.cursor
	}
	m.offset = max(0, min(m.offset, len(m.vis)-rows))
	return m
}

// Pending is the newest action event held, which is the one waiting for
// confirmation when the conversation waits; ok is false when none is held.
func (m Model) Pending() (backend.Event, bool) {
	for i := len(m.items) - 1; i >= 0; i-- {
		if e := m.items[i].ev; m.items[i].marker == 0 && family(e) == kindActions {
			return e, true
		}
	}
	return backend.Event{}, false
}

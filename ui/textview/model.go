package textview

import (
	"strings"
	"time"

	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/theme"
)

// Styles are the styles the view draws its gutter and highlights with.
type Styles struct {
	// Timestamp styles the optional time column.
	Timestamp lipgloss.Style
	// StderrMarker styles the marker in front of stderr lines.
	StderrMarker lipgloss.Style
	// Match styles every search match in the visible rows.
	Match lipgloss.Style
	// CurrentMatch styles the match that next/previous moved to.
	CurrentMatch lipgloss.Style
	// Truncation styles the marker at the right edge of a cut line.
	Truncation lipgloss.Style
}

// DefaultStyles derives the view's styles from a theme. Matches are also
// underlined, and the current one reversed, so both remain visible when
// colour is off (NO_COLOR keeps text attributes).
func DefaultStyles(th theme.Theme) Styles {
	s := th.Styles
	return Styles{
		Timestamp:    s.Muted,
		StderrMarker: s.Stderr,
		Match:        s.Match.Underline(true),
		CurrentMatch: s.Match.Reverse(true).Bold(true).Underline(true),
		Truncation:   s.Muted,
	}
}

// pens are the SGR sequences that open each style, extracted once so a
// frame writes bytes instead of calling lipgloss per cell.
type pens struct {
	ts, stderr, match, current, trunc string
}

func newPens(s Styles) *pens {
	return &pens{
		ts:      openSeq(s.Timestamp),
		stderr:  openSeq(s.StderrMarker),
		match:   openSeq(s.Match),
		current: openSeq(s.CurrentMatch),
		trunc:   openSeq(s.Truncation),
	}
}

// openSeq returns the escape sequence a style writes before its text.
func openSeq(st lipgloss.Style) string {
	out := st.Render("x")
	if i := strings.IndexByte(out, 'x'); i > 0 {
		return out[:i]
	}
	return ""
}

// Model is the view. The zero value is not usable: call New.
type Model struct {
	st       *store
	maxLines int
	maxBytes int

	width, height int
	anchor        pos  // top row when not following
	follow        bool // pinned to the newest line
	wrap          bool
	timestamps    bool
	xOff          int // first visible cell when not wrapping

	loc       *time.Location
	styles    Styles
	pens      *pens
	stepBytes int // text scanned per search step
}

// Option configures a Model in New.
type Option func(*Model)

// WithMaxLines caps the number of lines held (default DefaultMaxLines).
func WithMaxLines(n int) Option { return func(m *Model) { m.maxLines = n } }

// WithMaxBytes caps the bytes of text held (default DefaultMaxBytes).
func WithMaxBytes(n int) Option { return func(m *Model) { m.maxBytes = n } }

// WithWrap sets whether long lines wrap (default on).
func WithWrap(on bool) Option { return func(m *Model) { m.wrap = on } }

// WithTimestamps sets whether the time column shows (default off).
func WithTimestamps(on bool) Option { return func(m *Model) { m.timestamps = on } }

// WithLocation sets the time zone timestamps are shown in (default Local).
func WithLocation(loc *time.Location) Option { return func(m *Model) { m.loc = loc } }

// WithStyles replaces the styles derived from the theme.
func WithStyles(s Styles) Option { return func(m *Model) { m.styles = s } }

// New returns an empty view in follow mode with wrapping on.
func New(th theme.Theme, opts ...Option) Model {
	m := Model{
		maxLines:  DefaultMaxLines,
		maxBytes:  DefaultMaxBytes,
		follow:    true,
		wrap:      true,
		loc:       time.Local,
		styles:    DefaultStyles(th),
		stepBytes: searchStepBytes,
	}
	for _, o := range opts {
		o(&m)
	}
	if m.loc == nil {
		m.loc = time.UTC
	}
	m.pens = newPens(m.styles)
	m.st = newStore(m.maxLines, m.maxBytes)
	return m
}

// Reset drops every line and the search, and returns to follow mode. The
// caps, size, wrap and timestamp settings are kept.
func (m Model) Reset() Model {
	m.st = newStore(m.maxLines, m.maxBytes)
	m.anchor, m.follow, m.xOff = pos{}, true, 0
	return m
}

// Append adds lines at the bottom, evicting the oldest beyond the caps. In
// follow mode the view shows them; otherwise it stays where it is (or moves
// to the oldest line left, if its own lines were evicted).
func (m Model) Append(lines ...logbuf.Line) Model {
	for _, l := range lines {
		m.st.append(l)
	}
	return m
}

// SetSize sets the size the view renders at, in cells.
func (m Model) SetSize(width, height int) Model {
	m.width, m.height = max(0, width), max(0, height)
	return m
}

// Width is the rendered width in cells.
func (m Model) Width() int { return m.width }

// Height is the rendered height in rows.
func (m Model) Height() int { return m.height }

// Len is the number of lines held.
func (m Model) Len() int { return m.st.r.n }

// Bytes is the size of the text held, in bytes.
func (m Model) Bytes() int { return m.st.r.bytes }

// Evicted is how many lines the caps have pushed out since New or Reset.
func (m Model) Evicted() int { return m.st.r.first }

// Following reports whether the view is pinned to the newest line.
func (m Model) Following() bool { return m.follow }

// Wrapping reports whether long lines wrap.
func (m Model) Wrapping() bool { return m.wrap }

// Timestamps reports whether the time column shows.
func (m Model) Timestamps() bool { return m.timestamps }

// XOffset is the first visible cell column when not wrapping.
func (m Model) XOffset() int { return m.xOff }

// SetWrap turns wrapping on or off. Horizontal scrolling resets.
func (m Model) SetWrap(on bool) Model {
	m.wrap, m.xOff = on, 0
	return m
}

// SetTimestamps shows or hides the time column.
func (m Model) SetTimestamps(on bool) Model {
	m.timestamps = on
	return m
}

// SetStyles restyles the view (after a theme change).
func (m Model) SetStyles(s Styles) Model { m.styles = s; return m }

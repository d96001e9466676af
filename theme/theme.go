package theme

import (
	"charm.land/lipgloss/v2"

	"github.com/ohdash/ohdash/backend"
)

// Theme is a palette with the styles derived from it. Models hold it by
// value, so it stays small: the styles (some 14 KiB of lipgloss values)
// are shared behind a pointer and never changed once built; a variant
// (Monochrome) gets styles of its own.
type Theme struct {
	Dark bool
	// Mono is set by Monochrome: the terminal shows no colour.
	Mono    bool
	Palette Palette
	Styles  *Styles
}

// Styles are the lipgloss styles every component draws with.
type Styles struct {
	Title       lipgloss.Style
	Tab         lipgloss.Style
	TabActive   lipgloss.Style
	Header      lipgloss.Style
	Cell        lipgloss.Style
	Selected    lipgloss.Style
	Muted       lipgloss.Style
	Subtle      lipgloss.Style
	Accent      lipgloss.Style
	Success     lipgloss.Style
	Warning     lipgloss.Style
	Error       lipgloss.Style
	Info        lipgloss.Style
	Pane        lipgloss.Style
	PaneFocused lipgloss.Style
	Dialog      lipgloss.Style
	HelpKey     lipgloss.Style
	HelpDesc    lipgloss.Style
	HelpSep     lipgloss.Style
	StatusBar   lipgloss.Style
	Match       lipgloss.Style
	Stderr      lipgloss.Style
}

// New builds the theme for a dark or light background.
func New(dark bool) Theme {
	p := Light()
	if dark {
		p = Dark()
	}
	s := newStyles(p)
	return Theme{Dark: dark, Palette: p, Styles: &s}
}

func newStyles(p Palette) Styles {
	base := lipgloss.NewStyle()
	border := lipgloss.RoundedBorder()
	return Styles{
		Title:       base.Bold(true).Foreground(p.Accent),
		Tab:         base.Foreground(p.Muted).Padding(0, 1),
		TabActive:   base.Bold(true).Foreground(p.AccentText).Background(p.Accent).Padding(0, 1),
		Header:      base.Bold(true).Foreground(p.Muted),
		Cell:        base.Foreground(p.Fg),
		Selected:    base.Bold(true).Foreground(p.SelectedFg).Background(p.SelectedBg),
		Muted:       base.Foreground(p.Muted),
		Subtle:      base.Foreground(p.Subtle),
		Accent:      base.Foreground(p.Accent),
		Success:     base.Foreground(p.Success),
		Warning:     base.Foreground(p.Warning),
		Error:       base.Foreground(p.Error),
		Info:        base.Foreground(p.Info),
		Pane:        base.Border(border).BorderForeground(p.Border),
		PaneFocused: base.Border(border).BorderForeground(p.Accent),
		Dialog:      base.Border(lipgloss.DoubleBorder()).BorderForeground(p.Warning).Padding(0, 1),
		HelpKey:     base.Bold(true).Foreground(p.Accent),
		HelpDesc:    base.Foreground(p.Muted),
		HelpSep:     base.Foreground(p.Subtle),
		StatusBar:   base.Foreground(p.Muted),
		Match:       base.Foreground(p.MatchFg).Background(p.MatchBg),
		Stderr:      base.Bold(true).Foreground(p.Warning),
	}
}

// StatusGlyph returns a glyph that tells the status apart without colour,
// so the table reads the same under NO_COLOR.
func StatusGlyph(s backend.Status) string {
	switch s {
	case backend.StatusRunning:
		return "●"
	case backend.StatusStarting:
		return "◐"
	case backend.StatusPaused:
		return "‖"
	case backend.StatusError:
		return "✗"
	default:
		return "○"
	}
}

// StatusStyle colours a sandbox status.
func (t Theme) StatusStyle(s backend.Status) lipgloss.Style {
	switch s {
	case backend.StatusRunning:
		return t.Styles.Success
	case backend.StatusStarting:
		return t.Styles.Info
	case backend.StatusPaused:
		return t.Styles.Warning
	case backend.StatusError:
		return t.Styles.Error
	default:
		return t.Styles.Muted
	}
}

// Status renders a status as glyph and word, coloured.
func (t Theme) Status(s backend.Status) string {
	return t.StatusStyle(s).Render(StatusGlyph(s) + " " + string(s))
}

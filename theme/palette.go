// Package theme turns a semantic palette into lipgloss styles. Everything
// is a value built by a constructor: there are no package-level styles to
// mutate, so tests can render dark and light side by side.
package theme

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Palette names colours by what they mean, not by hue, so components ask
// for "warning" and the theme decides what warning looks like.
type Palette struct {
	Fg         color.Color
	Muted      color.Color
	Subtle     color.Color
	Accent     color.Color
	AccentText color.Color
	Success    color.Color
	Warning    color.Color
	Error      color.Color
	Info       color.Color
	Border     color.Color
	SelectedBg color.Color
	SelectedFg color.Color
	MatchBg    color.Color
	MatchFg    color.Color
}

// Dark is the palette for dark terminal backgrounds.
func Dark() Palette {
	return Palette{
		Fg:         lipgloss.Color("#d8dee9"),
		Muted:      lipgloss.Color("#8a93a6"),
		Subtle:     lipgloss.Color("#4c566a"),
		Accent:     lipgloss.Color("#88c0d0"),
		AccentText: lipgloss.Color("#1f2430"),
		Success:    lipgloss.Color("#a3be8c"),
		Warning:    lipgloss.Color("#ebcb8b"),
		Error:      lipgloss.Color("#e06c75"),
		Info:       lipgloss.Color("#81a1c1"),
		Border:     lipgloss.Color("#4c566a"),
		SelectedBg: lipgloss.Color("#3b4252"),
		SelectedFg: lipgloss.Color("#eceff4"),
		MatchBg:    lipgloss.Color("#ebcb8b"),
		MatchFg:    lipgloss.Color("#1f2430"),
	}
}

// Light is the palette for light terminal backgrounds.
func Light() Palette {
	return Palette{
		Fg:         lipgloss.Color("#2e3440"),
		Muted:      lipgloss.Color("#5c6370"),
		Subtle:     lipgloss.Color("#a0a8b7"),
		Accent:     lipgloss.Color("#005f87"),
		AccentText: lipgloss.Color("#ffffff"),
		Success:    lipgloss.Color("#2e7d32"),
		Warning:    lipgloss.Color("#a66a00"),
		Error:      lipgloss.Color("#c62828"),
		Info:       lipgloss.Color("#1565c0"),
		Border:     lipgloss.Color("#a0a8b7"),
		SelectedBg: lipgloss.Color("#dde3ee"),
		SelectedFg: lipgloss.Color("#1f2430"),
		MatchBg:    lipgloss.Color("#ffd54f"),
		MatchFg:    lipgloss.Color("#1f2430"),
	}
}

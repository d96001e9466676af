package theme

// Monochrome is the theme for a terminal without colour (NO_COLOR): what
// colour alone told apart is drawn with reverse video instead, so the
// selected row and the focused button do not look like a bold header.
func (t Theme) Monochrome() Theme {
	t.Mono = true
	s := *t.Styles
	s.Selected = s.Selected.Reverse(true)
	s.TabActive = s.TabActive.Reverse(true)
	s.Match = s.Match.Reverse(true)
	t.Styles = &s
	return t
}

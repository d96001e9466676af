package theme

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
)

// Every status must read differently without colour (NO_COLOR, a
// monochrome terminal): the glyphs alone tell them apart.
func TestStatusGlyphsAreDistinctAndSingleCell(t *testing.T) {
	seen := map[string]backend.Status{}
	for _, s := range backend.Statuses {
		g := StatusGlyph(s)
		if other, dup := seen[g]; dup {
			t.Errorf("%s and %s share the glyph %q", s, other, g)
		}
		seen[g] = s
		if w := ansi.StringWidth(g); w != 1 {
			t.Errorf("glyph %q of %s is %d cells wide", g, s, w)
		}
	}
}

func TestDarkAndLightDiffer(t *testing.T) {
	d, l := New(true), New(false)
	if !d.Dark || l.Dark {
		t.Fatal("Dark flag not kept")
	}
	if d.Palette.Fg == l.Palette.Fg || d.Palette.Accent == l.Palette.Accent {
		t.Fatal("light and dark palettes must differ in foreground and accent")
	}
	for _, s := range backend.Statuses {
		if got := ansi.Strip(d.Status(s)); got != StatusGlyph(s)+" "+string(s) {
			t.Errorf("Status(%s) renders %q", s, got)
		}
	}
}

// The styles are shared by every copy of a theme: Monochrome must build
// its own, never change the ones the coloured theme (and everything
// holding it) draws with.
func TestMonochromeLeavesTheSharedStylesAlone(t *testing.T) {
	th := New(true)
	before := th.Styles.Selected.Render("x")
	mono := th.Monochrome()
	if mono.Styles == th.Styles {
		t.Fatal("Monochrome shares the coloured theme's styles")
	}
	if got := th.Styles.Selected.Render("x"); got != before {
		t.Fatalf("the coloured theme's selection changed: %q, was %q", got, before)
	}
	if !mono.Styles.Selected.GetReverse() || th.Styles.Selected.GetReverse() {
		t.Fatal("only the monochrome theme draws the selection in reverse video")
	}
}

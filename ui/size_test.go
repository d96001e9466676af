package ui

import (
	"strings"
	"testing"
	"unsafe"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
)

// The root model is a value: every Update copies it, several times down
// each call chain, and boxes the result into a tea.Model on the heap. At
// 67 KiB (the configuration and the theme's styles held by value, three
// times over) that was 67 KiB allocated per message and a 2 MiB stack for
// the goroutine that renders, resident while the dashboard idled. What is
// shared and never changes (the configuration, the styles) is held by
// pointer; these bounds keep it that way.
func TestRootModelStaysSmall(t *testing.T) {
	const maxModel, maxTheme = 20 << 10, 512
	if n := unsafe.Sizeof(Model{}); n > maxModel {
		t.Errorf("ui.Model is %d bytes, more than %d: hold large unchanging parts by pointer", n, maxModel)
	}
	if n := unsafe.Sizeof(theme.Theme{}); n > maxTheme {
		t.Errorf("theme.Theme is %d bytes, more than %d: every model and pane holds one", n, maxTheme)
	}
}

// A configuration without a theme draws with the dark one: a zero Theme
// has no styles, and drawing with it would crash.
func TestZeroThemeDrawsWithTheDefault(t *testing.T) {
	m := New(t.Context(), Config{Hub: backend.NewHub()})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	if v := next.(Model).View().Content; !strings.Contains(v, "ohdash") {
		t.Fatalf("no dashboard drawn:\n%s", v)
	}
}

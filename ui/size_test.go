package ui

import (
	"testing"
	"unsafe"

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

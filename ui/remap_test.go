package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestRemapTakesEffectInUpdateAndHelp(t *testing.T) {
	keys := DefaultKeys()
	keys.Bindings()["sandbox.pause"].SetKeys("Z")
	keys.Bindings()["sandbox.pause"].SetHelp("Z", "pause sandbox")
	if c := keys.Clashes(); len(c) != 0 {
		t.Fatal(c)
	}
	h := newHarness(t, 120, 40, Config{Keys: keys}, fixtureSandboxes()...)
	h.key("down")
	h.key("p")
	if h.m.confirm != nil {
		t.Fatal("the old key still pauses")
	}
	h.key("Z")
	if h.m.confirm == nil {
		t.Fatal("the new key does not pause")
	}
	h.run(h.key("n"))
	if !strings.Contains(ansi.Strip(h.view()), "Z pause sandbox") {
		t.Fatal("help does not show the remapped key")
	}
}

// The tab bar names each tab by its binding: a remapped tab key shows as
// it is, instead of a hard-coded "3".
func TestRemappedTabKeyShowsInTabBar(t *testing.T) {
	keys := DefaultKeys()
	keys.Bindings()["tab.conversations"].SetKeys("9")
	keys.Bindings()["tab.conversations"].SetHelp("9", "conversations")
	if c := keys.Clashes(); len(c) != 0 {
		t.Fatal(c)
	}
	h := newHarness(t, 120, 40, Config{Keys: keys}, fixtureSandboxes()...)
	view := ansi.Strip(h.view())
	if !strings.Contains(view, "9 Conversations") || strings.Contains(view, "3 Conversations") {
		t.Fatalf("the tab bar does not show the remapped key:\n%s", view)
	}
	h.run(h.key("9"))
	if !strings.Contains(ansi.Strip(h.view()), "conversations are not available") {
		t.Fatal("the remapped key does not show the conversations tab")
	}
}

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

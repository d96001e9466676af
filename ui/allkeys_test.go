package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestDefaultKeysHaveNoClash(t *testing.T) {
	if c := DefaultKeys().Clashes(); len(c) != 0 {
		t.Fatalf("default keys clash: %v", c)
	}
}

func TestEveryActionIsInAContext(t *testing.T) {
	k := DefaultKeys()
	seen := map[string]bool{}
	for _, c := range contexts() {
		for _, a := range c.actions {
			seen[a] = true
		}
	}
	for name := range k.Bindings() {
		if !seen[name] && name != "logs.search_clear" {
			t.Errorf("action %q is in no clash-check context", name)
		}
	}
	for a := range seen {
		if _, ok := k.Bindings()[a]; !ok {
			t.Errorf("context names unknown action %q", a)
		}
	}
}

func TestRemapIsReportedWhenItClashes(t *testing.T) {
	k := DefaultKeys()
	k.Bindings()["sandbox.delete"].SetKeys("j")
	clashes := k.Clashes()
	if len(clashes) == 0 {
		t.Fatal("binding delete to j must clash with moving down")
	}
	msg := clashes[0].Error()
	if !strings.Contains(msg, `"j"`) || !strings.Contains(msg, "sandbox.delete") {
		t.Fatalf("unclear message: %s", msg)
	}
}

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

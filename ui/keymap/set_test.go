package keymap

import (
	"strings"
	"testing"
)

func TestDefaultKeysHaveNoClash(t *testing.T) {
	if c := Default().Clashes(); len(c) != 0 {
		t.Fatalf("default keys clash: %v", c)
	}
}

func TestEveryActionIsInAContext(t *testing.T) {
	k := Default()
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
	k := Default()
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

package sandboxes

import "testing"

// An unfocused table with its filter open takes no keys: the keyboard is
// elsewhere (the conversations table always behaved so; this one typed
// into its filter before both shared table.List).
func TestUnfocusedFilterTakesNoKeys(t *testing.T) {
	m := newModel(8)
	m, _ = m.Update(press("/"))
	m, _ = m.Update(press("r"))
	if m.FilterText() != "r" {
		t.Fatalf("filter %q after typing r", m.FilterText())
	}
	m = m.Blur()
	m, _ = m.Update(press("x"))
	if m.FilterText() != "r" {
		t.Fatalf("an unfocused table typed into its filter: %q", m.FilterText())
	}
}

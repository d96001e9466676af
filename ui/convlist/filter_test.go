package convlist

import (
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

func TestFilterTypingEnterKeepsEscClears(t *testing.T) {
	m := newModel(120, 20, sample())
	if m.WantsEsc() {
		t.Fatal("no filter: esc belongs to the root")
	}
	m = keys(m, "/")
	if !m.Capturing() || !m.WantsEsc() {
		t.Fatal("the open filter captures keys and wants esc")
	}
	m = typeText(m, "GPT-5")
	for i := 0; i < m.Len(); i++ {
		if !strings.Contains(m.all[m.list.Order[i]].c.Model, "gpt-5") {
			t.Fatalf("row %s does not match", m.all[m.list.Order[i]].c.Model)
		}
	}
	if m.Len() != 3 || m.Total() != 9 {
		t.Fatalf("filter kept %d of %d", m.Len(), m.Total())
	}
	// Typing keys the table also binds goes to the input.
	if m = typeText(m, " s"); m.FilterText() != "GPT-5 s" {
		t.Fatalf("filter text %q", m.FilterText())
	}
	if by, _ := m.Sort(); by != ByUpdated {
		t.Fatal("s typed into the filter must not sort")
	}
	m = keys(m, "enter")
	if m.Capturing() || !m.WantsEsc() || m.FilterText() == "" {
		t.Fatal("enter keeps the filter, returns the keys, and esc still clears")
	}
	if !strings.Contains(ansi.Strip(m.View()), "/GPT-5 s") {
		t.Fatal("a kept filter shows in the header")
	}
	m = keys(m, "esc")
	if m.Len() != m.Total() || m.WantsEsc() {
		t.Fatal("esc must clear the filter")
	}
}

func TestFilterFields(t *testing.T) {
	m := newModel(120, 20, sample())
	for q, want := range map[string]int{
		"websocket":                1, // title
		"00000003":                 1, // id
		"devstral":                 3, // model
		"oh-agent-server-by":       4, // sandbox
		"waiting_for_confirmation": 1, // status
		"stuck oh-agent-server-ax": 1, // every term must match
		"litellm_proxy":            3, // the full model name, not the cell
		"nothing-like-this":        0,
	} {
		f := keys(m, "/")
		f = typeText(f, q)
		if f.Len() != want {
			t.Errorf("filter %q kept %d rows, want %d", q, f.Len(), want)
		}
		if want == 0 && !strings.Contains(ansi.Strip(f.View()), "no conversation matches") {
			t.Errorf("filter %q: an empty result must say so", q)
		}
	}
}

// The table must leave the root's keys alone: they are live at the same
// time (see the brief), so a clash would make one of them dead.
func TestKeyMapAvoidsRootKeysAndNamesEveryAction(t *testing.T) {
	root := strings.Fields("q ctrl+c ? tab shift+tab z 1 2 3 x y Y ctrl+l M c p r d delete P R I D a n m X A")
	km := DefaultKeyMap()
	b := km.Bindings()
	want := []string{"convs.up", "convs.down", "convs.page_up", "convs.page_down", "convs.first", "convs.last",
		"convs.filter", "convs.clear_filter", "convs.accept_filter", "convs.sort", "convs.reverse", "convs.pin",
		"convs.mark", "convs.mark_all", "convs.unmark"}
	got := make([]string, 0, len(b))
	for name, kb := range b {
		got = append(got, name)
		for _, k := range kb.Keys() {
			if slices.Contains(root, k) {
				t.Errorf("%s binds the root's key %q", name, k)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("actions %v, want %v", got, want)
	}
	// Remapping through Bindings takes effect.
	*b["convs.pin"] = key.NewBinding(key.WithKeys("~"))
	m := New(themeDark(), WithKeyMap(km), WithClock(clock)).SetSize(80, 10).Focus().SetConversations(sample())
	if m = keys(m, "~"); m.Pinned() {
		t.Fatal("remapped pin key ignored")
	}
	if m = keys(m, "!"); m.Pinned() {
		t.Fatal("the old pin key must be gone")
	}
}

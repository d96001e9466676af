package table

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

func TestListKeysMove(t *testing.T) {
	k := DefaultListKeys()
	press := func(code rune, text string) tea.KeyPressMsg { return tea.KeyPressMsg{Code: code, Text: text} }
	cases := []struct {
		name  string
		kp    tea.KeyPressMsg
		want  int
		moved bool
	}{
		{"up", press(tea.KeyUp, ""), 9, true},
		{"k", press('k', "k"), 9, true},
		{"down", press('j', "j"), 11, true},
		{"page down keeps a row of context", press(tea.KeyPgDown, ""), 19, true},
		{"page up", press(tea.KeyPgUp, ""), 1, true},
		{"home", press('g', "g"), 0, true},
		{"end", press('G', "G"), 99, true},
		{"not a moving key", press('/', "/"), 10, false},
	}
	for _, c := range cases {
		got, moved := k.Move(c.kp, 10, 100, 10)
		if got != c.want || moved != c.moved {
			t.Errorf("%s: Move = %d, %v; want %d, %v", c.name, got, moved, c.want, c.moved)
		}
	}
	// A one-row window still moves by one row per page.
	if got, _ := k.Move(press(tea.KeyPgDown, ""), 3, 100, 1); got != 4 {
		t.Errorf("page down in a one-row window: %d, want 4", got)
	}
}

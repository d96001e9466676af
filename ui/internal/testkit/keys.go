package testkit

import (
	"time"

	tea "charm.land/bubbletea/v2"
)

// Now is the pinned time of every test clock, so ages in golden views
// never change.
var Now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

// Clock returns Now.
func Clock() time.Time { return Now }

// special are the named keys tests press.
var special = map[string]tea.KeyPressMsg{
	"enter": {Code: tea.KeyEnter}, "esc": {Code: tea.KeyEscape}, "tab": {Code: tea.KeyTab},
	"backspace": {Code: tea.KeyBackspace}, "space": {Code: tea.KeySpace, Text: " "},
	"up": {Code: tea.KeyUp}, "down": {Code: tea.KeyDown}, "left": {Code: tea.KeyLeft}, "right": {Code: tea.KeyRight},
	"pgup": {Code: tea.KeyPgUp}, "pgdown": {Code: tea.KeyPgDown}, "home": {Code: tea.KeyHome}, "end": {Code: tea.KeyEnd},
	"ctrl+u": {Code: 'u', Mod: tea.ModCtrl}, "ctrl+d": {Code: 'd', Mod: tea.ModCtrl},
}

// Press builds a key press the way Bubble Tea delivers it: a named key
// ("enter", "esc", "down", "ctrl+d"…) or one character. Any other name is
// a mistake in the test, and panics.
func Press(k string) tea.KeyPressMsg {
	if kp, ok := special[k]; ok {
		return kp
	}
	if r := []rune(k); len(r) == 1 {
		return tea.KeyPressMsg{Code: r[0], Text: k}
	}
	panic("testkit.Press: unknown key " + k)
}

// Model is a component whose Update returns its own type.
type Model[M any] interface {
	Update(msg tea.Msg) (M, tea.Cmd)
}

// Keys presses ks in m, in order, and returns the result.
func Keys[M Model[M]](m M, ks ...string) M {
	for _, k := range ks {
		m, _ = m.Update(Press(k))
	}
	return m
}

// Type types s into m one rune at a time.
func Type[M Model[M]](m M, s string) M {
	for _, r := range s {
		m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

package confirm

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/theme"
)

func press(m Model, code rune, text string) (Model, *ResultMsg) {
	m, cmd := m.Update(tea.KeyPressMsg{Code: code, Text: text})
	if cmd == nil {
		return m, nil
	}
	r := cmd().(ResultMsg)
	return m, &r
}

func TestEnterDefaultsToCancel(t *testing.T) {
	m := New(theme.New(true), DefaultKeyMap(), "delete x", "stops and removes x", "delete", "payload")
	_, r := press(m, tea.KeyEnter, "")
	if r == nil || r.Confirmed || r.Payload != "payload" {
		t.Fatalf("enter on a fresh dialog must cancel, got %+v", r)
	}
}

func TestYesConfirmsAndToggleMovesChoice(t *testing.T) {
	m := New(theme.New(true), DefaultKeyMap(), "pause x", "freezes x", "pause", 7)
	if _, r := press(m, 'y', "y"); r == nil || !r.Confirmed || r.Payload != 7 {
		t.Fatalf("y must confirm: %+v", r)
	}
	m, r := press(m, tea.KeyRight, "")
	if r != nil {
		t.Fatal("toggle must not close the dialog")
	}
	if _, r = press(m, tea.KeyEnter, ""); r == nil || !r.Confirmed {
		t.Fatalf("enter after toggle must confirm: %+v", r)
	}
	if _, r = press(m, tea.KeyEscape, ""); r == nil || r.Confirmed {
		t.Fatalf("esc must cancel: %+v", r)
	}
}

func TestViewNamesTheStakes(t *testing.T) {
	m := New(theme.New(true), DefaultKeyMap(), "delete oh-agent-server-x", "stops the container and removes it and its workspace volume", "delete", nil)
	v := ansi.Strip(m.View(80))
	for _, want := range []string{"delete oh-agent-server-x?", "workspace volume", "[delete] y", "[cancel] n"} {
		if !strings.Contains(v, want) {
			t.Errorf("dialog lacks %q:\n%s", want, v)
		}
	}
	for _, line := range strings.Split(v, "\n") {
		if ansi.StringWidth(line) > 80 {
			t.Errorf("line wider than 80: %q", line)
		}
	}
}

package composer

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/theme"
)

func press(m Model, keys ...tea.KeyPressMsg) (Model, tea.Msg) {
	var out tea.Msg
	for _, k := range keys {
		var cmd tea.Cmd
		m, cmd = m.Update(k)
		out = nil
		if cmd != nil {
			out = cmd()
		}
	}
	return m, out
}

func typeText(m Model, s string) Model {
	for _, r := range s {
		m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	return m
}

var (
	enter  = tea.KeyPressMsg{Code: tea.KeyEnter}
	esc    = tea.KeyPressMsg{Code: tea.KeyEscape}
	ctrlJ  = tea.KeyPressMsg{Code: 'j', Mod: tea.ModCtrl}
	altEnt = tea.KeyPressMsg{Code: tea.KeyEnter, Mod: tea.ModAlt}
)

func TestSendsMultiLineMessageTrimmed(t *testing.T) {
	m, _ := New(theme.New(true), DefaultKeyMap(), "to conv", "", 42)
	m = typeText(m, "  fix the build")
	m, _ = press(m, ctrlJ)
	m = typeText(m, "then run tests")
	m, _ = press(m, altEnt)
	_, msg := press(m, enter)
	sub, ok := msg.(SubmitMsg)
	if !ok {
		t.Fatalf("enter gave %T, want SubmitMsg", msg)
	}
	if sub.Text != "fix the build\nthen run tests" {
		t.Errorf("text %q", sub.Text)
	}
	if sub.Payload != 42 {
		t.Errorf("payload %v", sub.Payload)
	}
}

func TestEmptyMessageIsRefusedWithANote(t *testing.T) {
	m, _ := New(theme.New(true), DefaultKeyMap(), "to conv", "", nil)
	m = typeText(m, "   ")
	m, msg := press(m, enter)
	if msg != nil {
		t.Fatalf("an empty message produced %T", msg)
	}
	if !strings.Contains(ansi.Strip(m.View(80)), "nothing to send") {
		t.Errorf("no note shown:\n%s", ansi.Strip(m.View(80)))
	}
}

func TestCancelKeepsTheDraft(t *testing.T) {
	m, _ := New(theme.New(true), DefaultKeyMap(), "to conv", "earlier ", "p")
	m = typeText(m, "words")
	_, msg := press(m, esc)
	c, ok := msg.(CancelMsg)
	if !ok {
		t.Fatalf("esc gave %T, want CancelMsg", msg)
	}
	if c.Draft != "earlier words" || c.Payload != "p" {
		t.Errorf("cancel %+v", c)
	}
}

func TestPasteIsTakenWhole(t *testing.T) {
	m, _ := New(theme.New(true), DefaultKeyMap(), "to conv", "", nil)
	m, _ = m.Update(tea.PasteMsg{Content: "line one\nline two"})
	if m.Value() != "line one\nline two" {
		t.Errorf("value %q", m.Value())
	}
}

func TestViewFitsAndNamesTarget(t *testing.T) {
	m, _ := New(theme.New(false), DefaultKeyMap(), "message to “a very long conversation title that will not fit in a narrow box at all”", "", nil)
	for _, w := range []int{50, 80, 200} {
		v := m.View(w)
		for _, line := range strings.Split(v, "\n") {
			if lw := ansi.StringWidth(line); lw > w {
				t.Errorf("width %d: line %d cells: %q", w, lw, ansi.Strip(line))
			}
		}
		if !strings.Contains(ansi.Strip(v), "message to") {
			t.Errorf("width %d: target not named", w)
		}
	}
}

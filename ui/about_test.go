package ui

import (
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/pane"
)

// aboutPane is a trivial pane that is not shipped: it shows that adding a
// pane takes its own code and one registration, nothing else. (Shipped, it
// would be a package ui/abouttab plus one line in register, panes.go.)
type aboutPane struct {
	c       pane.Context
	focused bool
	w, h    int
	name    string
	keys    struct{ Tab, Hello key.Binding }
}

func newAboutPane(c pane.Context) pane.Pane {
	p := aboutPane{c: c}
	p.keys.Tab = key.NewBinding(key.WithKeys("9"), key.WithHelp("9", "about"))
	p.keys.Hello = key.NewBinding(key.WithKeys("h"), key.WithHelp("h", "say hello"))
	return p
}

func (p aboutPane) Title() string           { return "About" }
func (p aboutPane) Tab() key.Binding        { return p.keys.Tab }
func (p aboutPane) Focus() pane.Pane        { p.focused = true; return p }
func (p aboutPane) Blur() pane.Pane         { p.focused = false; return p }
func (p aboutPane) Hide() pane.Pane         { return p }
func (p aboutPane) Capturing() bool         { return false }
func (p aboutPane) WantsEsc() bool          { return false }
func (p aboutPane) Ticking() bool           { return false }
func (p aboutPane) Open() (pane.Pane, bool) { return p, false }
func (p aboutPane) Back() (pane.Pane, bool) { return p, false }

func (p aboutPane) SetTheme(theme.Theme) pane.Pane { return p }
func (p aboutPane) SetSize(w, h int) pane.Pane     { p.w, p.h = w, h; return p }
func (p aboutPane) Show() (pane.Pane, tea.Cmd)     { return p, nil }

func (p aboutPane) Select(w pane.World) (pane.Pane, tea.Cmd) {
	if w.OK {
		p.name = w.Selected.ID
	}
	return p, nil
}

func (p aboutPane) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	if kp, ok := msg.(tea.KeyPressMsg); ok && key.Matches(kp, p.keys.Hello) {
		p.c.Host.Info("hello from the about pane")
	}
	return p, nil
}

func (p aboutPane) Act(tea.KeyPressMsg) (pane.Pane, tea.Cmd, bool) { return p, nil, false }

func (p aboutPane) View() string {
	return pane.Placeholder(p.h, "ohdash: about "+p.name)
}

func (p aboutPane) ShortHelp() ([]key.Binding, bool) { return []key.Binding{p.keys.Hello}, false }
func (p aboutPane) FullHelp() [][]key.Binding        { return [][]key.Binding{{p.keys.Hello}} }

// TestNewPaneNeedsOneRegistration registers a pane the root has never
// heard of and uses it: the tab bar lists it by its key, its key shows it,
// it follows the selection, takes the keyboard, asks the root for a
// notice, and its keys are in the help line and the help screen.
func TestNewPaneNeedsOneRegistration(t *testing.T) {
	h := newHarness(t, 120, 40, Config{ExtraPanes: []func(pane.Context) pane.Pane{newAboutPane}}, fixtureSandboxes()...)
	if v := ansi.Strip(h.view()); !strings.Contains(v, "9 About") {
		t.Fatalf("the tab bar does not list the new pane:\n%s", v)
	}
	h.run(h.key("9"))
	h.run(h.key("tab"))
	v := ansi.Strip(h.view())
	sel, _ := h.m.table.Selected()
	if !strings.Contains(v, "ohdash: about "+sel.ID) {
		t.Fatalf("the new pane is not shown with the selection:\n%s", v)
	}
	if !strings.Contains(v, "h say hello") {
		t.Fatalf("the help line lacks the pane's keys:\n%s", v)
	}
	h.run(h.key("h"))
	if v := ansi.Strip(h.view()); !strings.Contains(v, "hello from the about pane") {
		t.Fatalf("the pane's notice is not shown:\n%s", v)
	}
	h.key("?")
	if v := ansi.Strip(h.view()); !strings.Contains(v, "say hello") {
		t.Fatalf("the help screen lacks the pane's keys:\n%s", v)
	}
}

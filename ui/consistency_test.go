package ui

import (
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// convHarness opens the conversations tab on the fixture conversations,
// the waiting one selected and its events open.
func convHarness(t *testing.T, w, h int, cfg Config) *harness {
	t.Helper()
	src := &fakeConvs{events: fixtureEvents()}
	cfg.Conversations = src
	hs := newHarness(t, w, h, cfg, fixtureSandboxes()...)
	hs.key("down")
	sb, _ := hs.m.table.Selected()
	src.list = fixtureConversations(sb)
	hs.run(hs.key("3"))
	hs.run(hs.key("tab"))
	return hs
}

// The accept and reject dialogs are about the pending action, and say the
// status in words, not the agent-server's raw value.
func TestAcceptRejectDialogsNameThePendingAction(t *testing.T) {
	for _, c := range []struct{ key, verb string }{{"a", "accept"}, {"n", "reject"}} {
		t.Run(c.verb, func(t *testing.T) {
			t.Parallel()
			h := convHarness(t, 120, 40, Config{})
			h.key(c.key)
			v := h.view()
			testkit.Golden(t, "confirm_"+c.verb+"_120x40", v)
			flat := dialogText(v)
			if want := c.verb + " the pending action of"; !strings.Contains(flat, want) {
				t.Errorf("the dialog lacks %q", want)
			}
			if strings.Contains(flat, c.verb+" conversation") || !strings.Contains(flat, "is waiting for confirmation") {
				t.Errorf("the dialog names the conversation as the object, or the raw status:\n%s", ansi.Strip(v))
			}
		})
	}
}

// dialogText is the text inside a dialog's double-lined box, one line.
func dialogText(v string) string {
	var parts []string
	for _, l := range strings.Split(ansi.Strip(v), "\n") {
		if i, j := strings.Index(l, "║"), strings.LastIndex(l, "║"); i >= 0 && j > i {
			parts = append(parts, strings.Fields(l[i+len("║"):j])...)
		}
	}
	return strings.Join(parts, " ")
}

var _ = fmt.Sprintf

// The create dialog keeps an image name on one line.
func TestCreateDialogKeepsTheImageWhole(t *testing.T) {
	const image = "ghcr.io/openhands/agent-server:1.43.1-python"
	h := newHarness(t, 80, 24, Config{Start: backend.StartRequest{Image: image}}, fixtureSandboxes()...)
	h.key("c")
	v := h.view()
	testkit.Golden(t, "confirm_create_80x24", v)
	if !strings.Contains(ansi.Strip(v), image) {
		t.Errorf("the image is split across lines:\n%s", ansi.Strip(v))
	}
}

// While a filter is typed into, the help line offers only the keys that
// act then (enter, esc once), in the table and in the conversations list.
func TestHelpLineWhileFiltering(t *testing.T) {
	helpLine := func(h *harness) string {
		lines := strings.Split(ansi.Strip(h.view()), "\n")
		return strings.TrimSpace(lines[len(lines)-1])
	}
	h := newHarness(t, 120, 40, Config{}, fixtureSandboxes()...)
	h.key("/")
	if got := helpLine(h); got != "enter keep filter • esc clear filter" {
		t.Errorf("table filter: help line %q", got)
	}
	c := convHarness(t, 120, 40, Config{})
	c.key("esc") // from the events back to the list
	c.key("/")
	if got := helpLine(c); got != "enter keep filter • esc clear filter" {
		t.Errorf("conversations filter: help line %q", got)
	}
}

// Zoom says so in the title bar; on a short terminal (one thing at a
// time) a tab key shows that tab instead of switching it out of sight.
func TestZoomAndShortTerminal(t *testing.T) {
	h := newHarness(t, 80, 24, Config{}, fixtureSandboxes()...)
	h.key("tab")
	h.key("z")
	v := h.view()
	testkit.Golden(t, "zoom_80x24", v)
	if first := strings.Split(ansi.Strip(v), "\n")[0]; !strings.Contains(first, "ZOOMED: z restores") {
		t.Errorf("no zoom indicator: %q", first)
	}

	s := newHarness(t, 60, 15, Config{}, fixtureSandboxes()...)
	before := ansi.Strip(s.view())
	s.run(s.key("2"))
	v = s.view()
	checkShape(t, v, 60, 15)
	testkit.Golden(t, "short_tab2_60x15", v)
	if after := ansi.Strip(v); after == before || !strings.Contains(after, "Details") {
		t.Errorf("2 on a 60×15 terminal changed nothing visible:\n%s", after)
	}
	if first := strings.Split(ansi.Strip(v), "\n")[0]; !strings.Contains(first, "tab ⇄ pane") {
		t.Errorf("no hint of the one-at-a-time layout: %q", first)
	}
}

// Under NO_COLOR the selected row and the focused dialog button are in
// reverse video: bold alone is what the header already is.
func TestNoColorSelectionIsVisible(t *testing.T) {
	reverse := regexp.MustCompile(`\x1b\[([0-9;]*;)?7(;[0-9;]*)?m`)
	h := newHarness(t, 80, 24, Config{}, fixtureSandboxes()...)
	h.m = h.m.setTheme(theme.New(true).Monochrome())
	lineWith := func(v, s string) string {
		for _, l := range strings.Split(v, "\n") {
			if strings.Contains(ansi.Strip(l), s) {
				return l
			}
		}
		return ""
	}
	sel, _ := h.m.table.Selected()
	v := h.view()
	if l := lineWith(v, sel.ShortID()[:12]); !reverse.MatchString(l) {
		t.Errorf("the selected row is not in reverse video: %q", l)
	}
	if l := lineWith(v, "STATUS"); reverse.MatchString(l) {
		t.Errorf("the header is in reverse video too: %q", l)
	}
	h.key("d")
	if l := lineWith(h.view(), "[cancel] n"); !reverse.MatchString(l) {
		t.Errorf("the focused button is not in reverse video: %q", l)
	}
}

// The help screen groups keys under a heading per part of the screen, so
// the table's and the conversations list's common keys are told apart.
func TestHelpHasAHeadingPerPane(t *testing.T) {
	h := convHarness(t, 120, 40, Config{})
	h.key("esc") // the conversations list has the focus
	h.key("?")
	v := h.view()
	testkit.Golden(t, "help_conversations_120x40", v)
	s := ansi.Strip(v)
	for _, want := range []string{"Everywhere", "Sandbox actions", "Sandboxes table", "Conversations list", "Events", "Conversation actions"} {
		if !strings.Contains(s, want) {
			t.Errorf("no %q heading:\n%s", want, s)
		}
	}
}

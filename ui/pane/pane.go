// Package pane is the contract between the dashboard's root model and the
// panes under the sandboxes table: one interface every pane implements,
// and one shared context every pane receives. Adding a pane is writing
// its package and registering it with the root; forwarding, focus, theme
// changes, key capture, help and the tab bar iterate over the panes.
package pane

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
)

// Pane is one tab of the lower half of the screen. Panes are values:
// every method returns the changed pane.
type Pane interface {
	// Title is the tab's name; the tab bar shows it after Tab's key.
	Title() string
	// Tab is the binding that shows the pane, so a remapped key shows in
	// the tab bar as it is.
	Tab() key.Binding

	// Update handles a message. Keys come only while the pane has the
	// keyboard; every other message reaches every pane, and each ignores
	// what is not its own.
	Update(msg tea.Msg) (Pane, tea.Cmd)
	// View renders the pane in the size last set.
	View() string
	// SetSize gives the pane its cells (the tab bar is not included).
	SetSize(width, height int) Pane
	// Focus and Blur move the keyboard to the pane and away from it.
	Focus() Pane
	Blur() Pane
	// SetTheme restyles the pane when the terminal's background changes.
	SetTheme(th theme.Theme) Pane

	// Show is called when the tab becomes visible, Hide when another tab
	// replaces it: a pane holds streams only while it is shown, if it wants.
	Show() (Pane, tea.Cmd)
	Hide() Pane
	// Select tells the pane what the sandboxes table shows: at once on
	// every change, and again with Settled once the cursor rests (streams
	// open only then, so holding an arrow key opens none).
	Select(w World) (Pane, tea.Cmd)

	// Capturing reports that a text input has the keyboard: keys are
	// typed, not taken as shortcuts.
	Capturing() bool
	// WantsEsc reports that the pane uses esc itself (to clear a search).
	WantsEsc() bool
	// Open and Back move inside the pane (from a list into what it
	// opened, and back); false means the pane has nowhere to go and the
	// root moves the focus instead.
	Open() (Pane, bool)
	Back() (Pane, bool)
	// Act handles the pane's own action keys, which work while its tab is
	// shown even when the table has the keyboard; false leaves the key to
	// the root.
	Act(kp tea.KeyPressMsg) (Pane, tea.Cmd, bool)

	// ShortHelp is the help line while the pane has the keyboard; own
	// reports that the pane's actions replace the sandbox actions there.
	ShortHelp() (b []key.Binding, own bool)
	// FullHelp is the pane's part of the help screen.
	FullHelp() [][]key.Binding
	// Ticking reports that the pane shows a countdown that needs the
	// clock every second.
	Ticking() bool
}

// World is what the sandboxes table shows, as panes see it.
type World struct {
	// Selected is the sandbox under the cursor; OK is false when none is.
	Selected backend.Sandbox
	OK       bool
	// Sandboxes is every sandbox listed, in source order.
	Sandboxes []backend.Sandbox
	// Reveal is set while secrets are shown.
	Reveal bool
	// Settled is set once the cursor has rested on Selected.
	Settled bool
}

// Find returns the listed sandbox with this source and id.
func (w World) Find(source, id string) (backend.Sandbox, bool) {
	for _, sb := range w.Sandboxes {
		if sb.Source == source && sb.ID == id {
			return sb, true
		}
	}
	return backend.Sandbox{}, false
}

// SettleDelay is how long a cursor must rest before what it points at is
// opened: holding an arrow key must not open and cancel dozens of streams.
const SettleDelay = 150 * time.Millisecond

// Placeholder is h rows that say text on the first: what a pane shows
// when it has nothing to show.
func Placeholder(h int, text string) string {
	rows := make([]string, max(0, h))
	if h > 0 {
		rows[0] = "  " + text
	}
	return strings.Join(rows, "\n")
}

// HelpSection is one headed block of the help screen.
type HelpSection struct {
	Title  string
	Groups [][]key.Binding
}

// HelpSectioner is implemented by a pane whose keys fall in parts with
// keys in common (a list and an event stream both scroll with ↑/k): the
// help screen heads each part instead of printing one block.
type HelpSectioner interface {
	HelpSections() []HelpSection
}

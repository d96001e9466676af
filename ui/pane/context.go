package pane

import (
	"context"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/keymap"
)

// Context is the one value every pane receives from the root instead of
// each part passed one by one: the program's context, the theme it starts
// with, the clock, the keys, the backends and the policy.
type Context struct {
	// Ctx is the program's context: every stream and action a pane starts
	// derives from it.
	Ctx context.Context
	// Theme is the starting theme; later ones arrive through SetTheme.
	Theme theme.Theme
	// Now is the clock (tests pin it).
	Now func() time.Time
	// Keys are every binding of the dashboard, remaps included.
	Keys keymap.Set
	// Hub holds every backend; ask backend.Supports what one can do.
	Hub *backend.Hub
	// ReadOnly refuses every action that changes something.
	ReadOnly bool
	// LowBandwidth asks panes to leave out animations and fast clocks.
	LowBandwidth bool
	// ActionTimeout bounds each action a pane runs.
	ActionTimeout time.Duration
	// Host carries what a pane asks of the root: notices, dialogs and
	// actions under way.
	Host *Host
	// Alerts takes alerts a pane raises (a spend budget crossed): it
	// never blocks, filters, rate-limits and delivers them. Never nil.
	Alerts alert.Notifier
}

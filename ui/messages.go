package ui

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/pane"
)

// snapshotMsg carries one source's new snapshot and the channel to wait
// on for the next (the channel+Cmd pattern: never Program.Send).
type snapshotMsg struct {
	snap backend.Snapshot
	ch   <-chan backend.Snapshot
}

// watchStartedMsg hands the merged snapshot channel to the model.
type watchStartedMsg struct{ ch <-chan backend.Snapshot }

// watchClosedMsg: every source stopped (the program is shutting down).
type watchClosedMsg struct{}

// tickMsg drives the clock: ages, reconnect countdowns, progress. gen
// identifies the tick chain, so a chain replaced by a faster one dies.
type tickMsg struct {
	gen int
	at  time.Time
}

func startWatch(ctx context.Context, hub *backend.Hub) tea.Cmd {
	return func() tea.Msg { return watchStartedMsg{ch: hub.Watch(ctx)} }
}

func waitSnapshot(ch <-chan backend.Snapshot) tea.Cmd {
	return func() tea.Msg {
		s, ok := <-ch
		if !ok {
			return watchClosedMsg{}
		}
		return snapshotMsg{snap: s, ch: ch}
	}
}

// Clock rates: a second is the finest unit any cell shows (a reconnect
// countdown, an action's elapsed time, a fresh sandbox's age); otherwise
// only ages in minutes move, and waking up every second for them would
// cost idle CPU for nothing.
const (
	fastTick = time.Second
	slowTick = 15 * time.Second
)

func tick(gen int, every time.Duration) tea.Cmd {
	return tea.Tick(every, func(t time.Time) tea.Msg { return tickMsg{gen: gen, at: t} })
}

// lowBandwidthTick is the fastest clock in low-bandwidth mode: a
// countdown then moves in 5 s steps, and each step redraws fewer cells.
const lowBandwidthTick = 5 * time.Second

// settledMsg fires a moment after the selection changed; if no other
// change followed (n is still current), the panes follow it.
type settledMsg struct{ n int }

func settleAfter(n int) tea.Cmd {
	return tea.Tick(pane.SettleDelay, func(time.Time) tea.Msg { return settledMsg{n: n} })
}

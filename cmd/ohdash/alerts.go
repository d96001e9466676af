package main

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
	"github.com/ohdash/ohdash/ui"
	"github.com/ohdash/ohdash/ui/convtab"
)

// alerting is the dashboard's alert machinery, built from the [alerts]
// table: a detector tapped into the streams the dashboard already reads,
// and a dispatcher over the configured channels plus the alerts tab.
type alerting struct {
	feed *alert.Feed
	disp *alert.Dispatcher
	tap  alert.Tap
}

// feedLen bounds what waits for the dashboard to take: alerts are few,
// and a dashboard this far behind loses (and counts) the surplus.
const feedLen = 256

// alerts returns the app's alert machinery, built on first use. Anything
// that raises alerts (the spend budget) sends them with
// a.alerts().Notifier().Notify(alert.Alert{...}); they go out while the
// dashboard runs (runTUI runs the dispatcher).
func (a *app) alerts() *alerting {
	if a.alerting != nil {
		return a.alerting
	}
	c := a.cfg.Alerts
	feed := alert.NewFeed(feedLen)
	chans := []alert.Channel{feed.List()}
	for _, t := range []struct {
		on   bool
		mode alert.TermMode
	}{{c.Bell, alert.Bell}, {c.OSC9, alert.OSC9}, {c.OSC777, alert.OSC777}} {
		if t.on {
			chans = append(chans, alert.Terminal{Mode: t.mode, Write: feed.Write})
		}
	}
	if len(c.Command) > 0 {
		chans = append(chans, alert.Hook{Argv: c.Command, Timeout: c.CommandTimeout.Std()})
	}
	disp := alert.NewDispatcher(alert.Options{Kinds: a.cfg.AlertKinds(), PerMinute: c.RatePerMinute, Log: a.log}, chans...)
	a.alerting = &alerting{feed: feed, disp: disp, tap: alert.Tap{D: alert.NewDetector(nil), N: disp}}
	return a.alerting
}

// Notifier is where alerts from anywhere go.
func (al *alerting) Notifier() alert.Notifier { return al.disp }

// alertingConfig hangs the detector on the dashboard's streams (the
// hub's snapshots, the conversation listings) and starts delivering
// alerts until ctx is done.
func (a *app) alertingConfig(ctx context.Context, cfg ui.Config, hub *backend.Hub) ui.Config {
	al := a.alerts()
	view := &fleetView{}
	hub.Observe(func(s backend.Snapshot) {
		al.tap.Snapshot(s)
		view.observe(s)
	})
	lastFleet := &atomic.Int64{}
	cfg.Conversations = alertingConvs{convService: a.Conversations(), tap: al.tap, lastFleet: lastFleet}
	cfg.Alerts, cfg.Notifier = al.feed, al.disp
	go al.disp.Run(ctx)
	c := a.cfg.Alerts
	if convAlertsWanted(al.disp, c.Bell || c.OSC9 || c.OSC777 || len(c.Command) > 0) {
		go listConvsForAlerts(ctx, view, a.Conversations(), al.tap, lastFleet, convtab.DefaultRefresh)
	}
	return cfg
}

// alertingConvs is the conversation service with the detector tapped into
// its listings: the conversations tab's refresh is what detects
// conversation state changes, with no poll of its own.
type alertingConvs struct {
	convService
	tap alert.Tap
	// lastFleet is when a fleet-wide listing last went through the tap
	// (Unix nanoseconds): the background listing skips a round after one.
	lastFleet *atomic.Int64
}

// convService names the embedded service (its own name clashes with the
// method alertingConvs overrides).
type convService = guard.Conversations

// Conversations lists one sandbox's conversations and looks for changes.
func (c alertingConvs) Conversations(ctx context.Context, sb backend.Sandbox) ([]backend.Conversation, error) {
	list, err := c.convService.Conversations(ctx, sb)
	if err == nil {
		c.tap.Listed(sb, list)
	}
	return list, err
}

// AllConversations lists many sandboxes and looks for changes in the
// ones that answered.
func (c alertingConvs) AllConversations(ctx context.Context, sbs []backend.Sandbox) []backend.SandboxConversations {
	res := c.convService.AllConversations(ctx, sbs)
	c.tap.Fleet(res)
	if c.lastFleet != nil {
		c.lastFleet.Store(time.Now().UnixNano())
	}
	return res
}

package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/backend/spend"
)

// spendTop is how many conversations `ohdash spend` ranks by default.
const spendTop = 10

// spendSink is where the dashboard's budget alerts go: the alert
// dispatcher, with every channel configured in [alerts].
func (a *app) spendSink() spend.AlertSink {
	return spend.SinkFunc(a.alerts().Notifier().Notify)
}

// cliSpendSink is where `ohdash spend`'s budget alerts go besides stderr:
// the [alerts] hook command, run before the command ends (a cron job has
// no terminal for a bell), under the kind filter. None when no hook is
// configured.
func (a *app) cliSpendSink(ctx context.Context) spend.AlertSink {
	c := a.cfg.Alerts
	if len(c.Command) == 0 {
		return nil
	}
	hook := alert.Hook{Argv: c.Command, Timeout: c.CommandTimeout.Std()}
	kinds := a.cfg.AlertKinds()
	return spend.SinkFunc(func(al alert.Alert) {
		if len(kinds) > 0 && !slices.Contains(kinds, al.Kind) {
			return
		}
		if al.Time.IsZero() {
			al.Time = time.Now()
		}
		if err := hook.Send(ctx, al.Clean()); err != nil && ctx.Err() == nil {
			a.warnf("the alerts command failed on a budget alert: %v", err)
		}
	})
}

// openSpendHistory opens the spend history beside the state file. A
// history that cannot be used at all is said once and left out: spend is
// then summarised from the live lists only.
func (a *app) openSpendHistory(ctx context.Context) *spend.History {
	h, err := spend.OpenHistory(ctx, a.cfg.SpendFile(), func(d spend.Damage) {
		a.log.Warn("spend history damaged; moved aside", "file", d.Path, "moved_to", d.MovedTo, "reason", d.Reason.Error())
		if !a.inTUI.Load() {
			a.warnf("warning: %s", d.String())
		}
	})
	if err != nil {
		a.log.Warn("spend history unusable", "error", err.Error())
		if !a.inTUI.Load() {
			// The budget is checked against the history: without one it
			// is not checked at all, which must not go unsaid.
			budget := ""
			if !a.cfg.Budget.Spend().IsZero() {
				budget = "; the [budget] is NOT checked"
			}
			a.warnf("warning: %v; spend is summarised from the live lists only, without history%s", err, budget)
		}
		return nil
	}
	return h
}

// spendMonitor is the dashboard's spend monitor: the history (unless the
// demo runs), the budget, and pausing through the guard when configured.
func (a *app) spendMonitor(ctx context.Context) *spend.Monitor {
	m := &spend.Monitor{Budget: a.cfg.Budget.Spend(), Sink: a.spendSink()}
	if !a.noSpendHistory {
		m.History = a.openSpendHistory(ctx)
	}
	if m.Budget.PauseWhenCrossed {
		m.Pauser = a.Conversations()
	}
	return m
}

func setupSpend(fs *flag.FlagSet) runner {
	since := fs.String("since", "24h", "per-day totals from this `TIME` on (a duration, Unix seconds or RFC 3339)")
	asJSON := fs.Bool("json", false, "print one JSON object (stable field names; see the README)")
	top := fs.Int("top", spendTop, "rank the `N` costliest conversations")
	return func(ctx context.Context, a *app, _ []string) error {
		now := time.Now()
		from, err := parseSince(*since, now)
		if err != nil {
			return err
		}
		if *top < 0 {
			return usagef("--top %d: want 0 or more", *top)
		}
		lists, err := a.fleetConversations(ctx)
		if err != nil {
			return err
		}
		failed := lists.failed
		m := &spend.Monitor{History: a.openSpendHistory(ctx), Budget: a.cfg.Budget.Spend(), Sink: a.cliSpendSink(ctx), Top: max(*top, 1)}
		if m.Budget.PauseWhenCrossed {
			m.Pauser = a.Conversations()
		}
		res, err := m.Snapshot(ctx, now, from, lists.sandboxes)
		if err != nil {
			// The live totals are still worth printing; the history's
			// failure is said and makes the result partial.
			a.warnf("%v", err)
			failed = errors.Join(failed, err)
		}
		if *top == 0 {
			res.Summary.Top = nil
		}
		for _, f := range res.Failed {
			err := fmt.Errorf("sandbox %s of backend %s: %w", f.Sandbox.ID, f.Sandbox.Source, f.Err)
			a.warnf("%v", err)
			failed = errors.Join(failed, err)
		}
		for _, c := range res.Crossed {
			a.warnf("warning: %s", c.Text())
		}
		for _, p := range res.Paused {
			a.warnf("paused %s: spend budget crossed", p)
		}
		for _, e := range res.PauseErrs {
			a.warnf("%v", e)
		}
		if *asJSON {
			err = writeJSON(a.io.out, toSpendJSON(now, m.History, res))
		} else {
			writeSpendText(a, now, m.History != nil, res)
		}
		if err != nil {
			return err
		}
		if failed != nil {
			return reported(fmt.Errorf("%w; the spend printed is not all: %w", errPartial, failed))
		}
		return nil
	}
}

// fleetListing is every running sandbox's conversations, and the
// backends that could not be listed.
type fleetListing struct {
	sandboxes []backend.SandboxConversations
	failed    error
}

// fleetConversations lists the conversations of every running sandbox of
// the selected backends. A backend that cannot be listed is named on
// stderr and kept in failed; nothing at all listed is an error.
func (a *app) fleetConversations(ctx context.Context) (fleetListing, error) {
	bs, err := a.Selected(ctx)
	if err != nil {
		return fleetListing{}, err
	}
	listings := listAll(ctx, bs)
	sbs, failed := collect(listings, func(sb backend.Sandbox) bool { return sb.Status == backend.StatusRunning })
	if failed != nil {
		if err := partial(listings, failed); !errors.Is(err, errPartial) {
			return fleetListing{}, err
		}
		a.warnf("%v", failed)
	}
	return fleetListing{sandboxes: a.Conversations().AllConversations(ctx, sbs), failed: failed}, nil
}

// Package spendtab is the spend pane: what the agents cost across every
// conversation the dashboard can see (totals, by model, sandbox and
// backend), the spend over the last hour and per UTC day from the spend
// history, and the costliest conversations. It records a snapshot in the
// history once a minute whether it is shown or not, and checks the budget
// each time.
package spendtab

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/spend"
)

// Config is what the pane needs beyond the shared context.
type Config struct {
	// Source lists the conversations of many sandboxes at once (the
	// conversations tab's source); nil shows a placeholder.
	Source backend.FleetConversationLister
	// Monitor records snapshots and checks the budget; with a nil
	// History the pane shows live totals only. Nil: live totals only,
	// no budget.
	Monitor *spend.Monitor
	// Refresh is how often a shown pane lists again (default 5 s, and
	// a second more per 40 running sandboxes, as the conversations tab).
	Refresh time.Duration
	// Record is the snapshot cadence, shown or not (default 1 minute).
	Record time.Duration
}

// Days is how many UTC days of totals the pane shows.
const Days = 7

const (
	defaultRefresh = 5 * time.Second
	defaultRecord  = time.Minute
)

// listedMsg is one listing's outcome.
type listedMsg struct {
	res spend.Result
	// recorded is set when the listing was recorded in the history (the
	// report and the budget are fresh).
	recorded bool
	err      error
	at       time.Time
}

// pollMsg drives the refresh while shown; recordMsg the snapshot cadence.
type (
	pollMsg   struct{ gen int }
	recordMsg struct{}
)

// running lists the sandboxes whose agent-servers can answer.
func running(sbs []backend.Sandbox) []backend.Sandbox {
	var out []backend.Sandbox
	for _, sb := range sbs {
		if sb.Status == backend.StatusRunning {
			out = append(out, sb)
		}
	}
	return out
}

// list starts a listing unless one is in flight; record also records it.
func (m Model) list(record bool) (Model, tea.Cmd) {
	if m.cfg.Source == nil || m.listing {
		if record {
			m.recordDue = true
		}
		return m, nil
	}
	m.listing = true
	src, mon, ctx, timeout := m.cfg.Source, m.cfg.Monitor, m.c.Ctx, m.c.ActionTimeout
	sbs, now := running(m.world.Sandboxes), m.c.Now
	return m, func() tea.Msg {
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		lists := src.AllConversations(ctx, sbs)
		at := now()
		msg := listedMsg{at: at}
		if record && mon != nil {
			msg.res, msg.err = mon.Snapshot(ctx, at, at.UTC().Truncate(24*time.Hour).Add(-(Days-1)*24*time.Hour), lists)
			msg.recorded = true
			return msg
		}
		top := 20
		if mon != nil && mon.Top > 0 {
			top = mon.Top
		}
		noHistory := spend.Monitor{Top: top}
		msg.res, _ = noHistory.Snapshot(ctx, at, at, lists)
		return msg
	}
}

// pollEvery is the shown pane's refresh interval.
func (m Model) pollEvery() time.Duration {
	every := m.cfg.Refresh
	return max(every, time.Duration(len(running(m.world.Sandboxes))/40)*time.Second)
}

func (m Model) pollCmd() tea.Cmd {
	gen := m.pollGen
	return tea.Tick(m.pollEvery(), func(time.Time) tea.Msg { return pollMsg{gen: gen} })
}

func (m Model) recordCmd() tea.Cmd {
	return tea.Tick(m.cfg.Record, func(time.Time) tea.Msg { return recordMsg{} })
}

// apply shows a listing; a recorded one also brings the history's report
// and the budget, and what a crossing did is said on the message line.
func (m Model) apply(msg listedMsg) (Model, tea.Cmd) {
	m.listing = false
	m.res.Summary, m.res.Failed = msg.res.Summary, msg.res.Failed
	m.listedAt = msg.at
	m.loaded = true
	if msg.recorded {
		m.recordedAt = msg.at
		m.histErr = msg.err
		if msg.err == nil {
			m.res.Report, m.res.Crossed = msg.res.Report, msg.res.Crossed
		}
		for _, c := range msg.res.Fresh {
			m.c.Host.Warn(backend.SafeText(c.Text()))
		}
		for _, p := range msg.res.Paused {
			m.c.Host.Info("paused " + backend.SafeText(p) + ": spend budget crossed")
		}
		for _, e := range msg.res.PauseErrs {
			m.c.Host.Warn(backend.SafeText(e.Error()))
		}
	}
	m = m.rerender()
	if m.recordDue {
		m.recordDue = false
		return m.list(true)
	}
	return m, nil
}

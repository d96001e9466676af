package ui

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/bulk"
	"github.com/ohdash/ohdash/ui/confirm"
)

// bulkRequest is the payload of a bulk confirmation: one action on the
// marked sandboxes that fit it.
type bulkRequest struct {
	action  backend.Action
	targets []backend.Sandbox
}

// bulkSandboxAction opens the one confirmation of a pause, resume or
// delete of every marked sandbox. Marked sandboxes the action does not
// fit (pausing a paused one) are left out, and the dialog says how many
// and why.
func (m Model) bulkSandboxAction(a backend.Action) (Model, tea.Cmd) {
	marked := m.table.Marked()
	if m.cfg.ReadOnly {
		return m.refuseBulkReadOnly(a, marked)
	}
	if m.bulk != nil {
		return m.warn("a bulk action is still running: wait for its summary"), nil
	}
	var req bulkRequest
	skipped := map[string]int{}
	for _, sb := range marked {
		if why := bulkSkip(a, sb); why != "" {
			skipped[why]++
			continue
		}
		req.targets = append(req.targets, sb)
	}
	req.action = a
	if len(req.targets) == 0 {
		return m.warn(fmt.Sprintf("none of the %d marked sandboxes can be %s: %s", len(marked), actionWords[a][1], bulk.SkipText(skipped))), nil
	}
	title, body := m.explainBulk(req, skipped)
	c := confirm.New(m.th, m.cfg.Keys.Confirm, title, body, string(a), req)
	m.confirm = &c
	return m, nil
}

// bulkSkip is why a marked sandbox is left out of an action, in a few
// words ("" when it fits).
func bulkSkip(a backend.Action, sb backend.Sandbox) string {
	switch a {
	case backend.ActionPause:
		if sb.Status != backend.StatusRunning && sb.Status != backend.StatusStarting {
			return "not running"
		}
	case backend.ActionResume:
		if sb.Status == backend.StatusRunning {
			return "already running"
		}
		if sb.Status == backend.StatusMissing {
			return "missing"
		}
	}
	return ""
}

// explainBulk is the bulk confirmation: the count and the action in the
// title, what it does in the backend's own words (for the first sandbox,
// as an example), which sandboxes, and what is skipped.
func (m Model) explainBulk(r bulkRequest, skipped map[string]int) (title, body string) {
	n := len(r.targets)
	noun := "sandboxes"
	if n == 1 {
		noun = "sandbox"
	}
	title = fmt.Sprintf("%s %d %s", r.action, n, noun)
	first := r.targets[0]
	_, what, _ := m.explain(actionRequest{action: r.action, sb: first, source: first.Source})
	if n > 1 {
		what = "For each, as for " + backend.CleanText(first.ID) + ": " + what
	}
	names := make([]string, 0, 4)
	for i, sb := range r.targets {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", n-3))
			break
		}
		names = append(names, backend.CleanText(sb.ID))
	}
	body = what + " Sandboxes: " + strings.Join(names, ", ") + "."
	if len(skipped) > 0 {
		total := 0
		for _, c := range skipped {
			total += c
		}
		body += fmt.Sprintf(" Skipped %d marked: %s.", total, bulk.SkipText(skipped))
	}
	return title, body
}

// runBulk starts a confirmed bulk action: every row through the backend
// (the guard audits each call: one intent and one outcome per sandbox),
// a few at a time, each reported back as a bulk.ResultMsg.
func (m Model) runBulk(req bulkRequest) (Model, tea.Cmd) {
	words := actionWords[req.action]
	items := make([]bulk.Item, 0, len(req.targets))
	for _, sb := range req.targets {
		b, ok := m.cfg.Hub.Backend(sb.Source)
		id, a := sb.ID, req.action
		items = append(items, bulk.Item{Key: sb.Key(), Label: backend.CleanText(sb.ID), Run: func(ctx context.Context) error {
			if !ok {
				return fmt.Errorf("backend %q is gone", sb.Source)
			}
			switch a {
			case backend.ActionPause:
				return b.Pause(ctx, id)
			case backend.ActionResume:
				return b.Resume(ctx, id)
			default:
				return b.Delete(ctx, id)
			}
		}})
	}
	p := bulk.Progress{Verb: string(req.action), Noun: "sandboxes", Past: words[1], N: len(items)}
	p.Op = m.host.StartOp(p.Status(words[0]), "", m.now())
	p.ID = p.Op
	m.bulk = &p
	return m, bulk.Start(m.ctx, p.ID, items, m.cfg.ActionTimeout)
}

// bulkResult records one sandbox's result: a success unmarks it, a
// failure leaves it marked for another try.
func (m Model) bulkResult(r bulk.ResultMsg) (Model, tea.Cmd) {
	p := m.bulk.Add(r)
	m.bulk = &p
	if r.Err == nil {
		m.table = m.table.SetMarked(false, r.Key)
	}
	m.host.UpdateOp(p.Op, p.Status(actionWords[backend.Action(p.Verb)][0]))
	return m, bulk.Next(r)
}

// bulkDone ends the batch with its summary.
func (m Model) bulkDone() Model {
	p := *m.bulk
	m.bulk = nil
	m.host.EndOp(p.Op)
	if len(p.Failed) > 0 {
		return m.warn(p.Summary())
	}
	return m.info(p.Summary())
}

// refuseBulkReadOnly refuses a bulk action in read-only mode: one warning,
// and one audited refusal per marked sandbox, as if each had been asked
// for on its own.
func (m Model) refuseBulkReadOnly(a backend.Action, marked []backend.Sandbox) (Model, tea.Cmd) {
	why := m.cfg.ReadOnlyWhy
	if why == "" {
		why = "started with --readonly"
	}
	m = m.warn(fmt.Sprintf("read-only mode: %s of %d marked sandboxes is disabled (%s)", a, len(marked), why))
	hook := m.cfg.OnRefused
	if hook == nil {
		return m, nil
	}
	rs := make([]Refusal, len(marked))
	for i, sb := range marked {
		rs[i] = Refusal{Kind: "sandbox", Action: string(a), Source: sb.Source, Target: sb.ID}
	}
	return m, func() tea.Msg {
		for _, r := range rs {
			hook(r)
		}
		return nil
	}
}

package convtab

import (
	"context"
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/bulk"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/pane"
)

// bulkVerbs are the conversation actions that apply to marked rows.
var bulkVerbs = map[convAction]bool{convPause: true, convRun: true, convDelete: true}

// convBulkRequest is the payload of a bulk confirmation.
type convBulkRequest struct {
	action  convAction
	targets []convRequest
}

// bulkConv asks once for an action on every marked conversation that fits
// it: the rule is backend.CheckConversation (as for one conversation and
// on the command line); the others are left out, counted by reason.
func (m Model) bulkConv(a convAction) (Model, tea.Cmd) {
	host := m.c.Host
	marked := m.list.Marked()
	if m.c.ReadOnly {
		// One audited refusal per row, as if each had been asked for.
		for _, c := range marked {
			r := pane.Refusal{Kind: "conversation", Action: string(a), Target: c.ID, Source: c.Source}
			if sb, ok := m.sandboxOf(c); ok {
				r.Sandbox, r.Source = sb.ID, sb.Source
			}
			host.Refuse(r)
		}
		return m, nil
	}
	if m.bulk != nil {
		host.Warn("a bulk action is still running: wait for its summary")
		return m, nil
	}
	req := convBulkRequest{action: a}
	skipped := map[string]int{}
	for _, c := range marked {
		sb, ok := m.sandboxOf(c)
		switch {
		case !ok:
			skipped["in a sandbox that is gone"]++
		case sb.Status != backend.StatusRunning:
			skipped["in a sandbox that is not running"]++
		case a != convDelete && backend.CheckConversation(backend.ConversationVerb(a), convLabel(c), c.Status) != nil:
			skipped[c.Status.Words()]++
		default:
			req.targets = append(req.targets, convRequest{action: a, conv: c, sb: sb})
		}
	}
	if len(req.targets) == 0 {
		host.Warn(fmt.Sprintf("none of the %d marked conversations can be %s: %s", len(marked), convWords[a][1], bulk.SkipText(skipped)))
		return m, nil
	}
	title, body := explainConvBulk(req, skipped)
	host.Confirm(title, body, string(a), req)
	return m, nil
}

// explainConvBulk is the bulk confirmation: count, action, what it does,
// which conversations, and what is left out.
func explainConvBulk(r convBulkRequest, skipped map[string]int) (title, body string) {
	n := len(r.targets)
	noun := "conversations"
	if n == 1 {
		noun = "conversation"
	}
	title = fmt.Sprintf("%s %d %s", r.action, n, noun)
	_, one, _ := explainConv(r.targets[0])
	// explainConv starts with where the first one is; keep what it does.
	if i := strings.Index(one, ". "); i >= 0 {
		one = one[i+2:]
	}
	names := make([]string, 0, 4)
	for i, t := range r.targets {
		if i == 3 {
			names = append(names, fmt.Sprintf("and %d more", n-3))
			break
		}
		names = append(names, convLabel(t.conv))
	}
	body = one + " Conversations: " + strings.Join(names, ", ") + "."
	if len(skipped) > 0 {
		total := 0
		for _, c := range skipped {
			total += c
		}
		body += fmt.Sprintf(" Skipped %d marked: %s.", total, bulk.SkipText(skipped))
	}
	// Titles came from agent-servers: sanitised and masked where they
	// become screen text.
	return backend.SafeText(title), backend.SafeText(body)
}

// runConvBulk starts a confirmed bulk action, a few conversations at a
// time through the source (audited per call by the guard).
func (m Model) runConvBulk(req convBulkRequest) (Model, tea.Cmd) {
	src := m.cfg.Source
	items := make([]bulk.Item, 0, len(req.targets))
	for _, t := range req.targets {
		sb, id, a := t.sb, t.conv.ID, req.action
		items = append(items, bulk.Item{Key: t.conv.Key(), Label: backend.SafeText(convLabel(t.conv)), Run: func(ctx context.Context) error {
			switch a {
			case convPause:
				return src.Pause(ctx, sb, id)
			case convRun:
				return src.Run(ctx, sb, id)
			default:
				return src.Delete(ctx, sb, id)
			}
		}})
	}
	words := convWords[req.action]
	p := bulk.Progress{Verb: string(req.action), Noun: "conversations", Past: words[1], N: len(items)}
	p.Op = m.c.Host.StartOp(p.Status(words[0]), "", m.c.Now())
	p.ID = p.Op
	m.bulk = &p
	return m, bulk.Start(m.c.Ctx, p.ID, items, m.c.ActionTimeout)
}

// bulkResult records one conversation's result: done ones are unmarked,
// failed ones stay marked.
func (m Model) bulkResult(r bulk.ResultMsg) (Model, tea.Cmd) {
	p := m.bulk.Add(r)
	m.bulk = &p
	if r.Err == nil {
		m.list = m.list.SetMarked(false, r.Key)
	}
	m.c.Host.UpdateOp(p.Op, p.Status(convWords[convAction(p.Verb)][0]))
	return m, bulk.Next(r)
}

// bulkDone says the summary and re-reads the list.
func (m Model) bulkDone() (Model, tea.Cmd) {
	p := *m.bulk
	m.bulk = nil
	m.c.Host.EndOp(p.Op)
	if len(p.Failed) > 0 {
		m.c.Host.Warn(p.Summary())
	} else {
		m.c.Host.Info(p.Summary())
	}
	return m.refresh()
}

// confirmedBulk runs or cancels a bulk confirmation.
func (m Model) confirmedBulk(res confirm.ResultMsg, req convBulkRequest) (Model, tea.Cmd) {
	if !res.Confirmed {
		m.c.Host.Info("cancelled")
		return m, nil
	}
	return m.runConvBulk(req)
}

// MarkedConversations returns the keys of the marked conversations.
func (m Model) MarkedConversations() []string {
	out := make([]string, 0, m.list.MarkCount())
	for _, c := range m.list.Marked() {
		out = append(out, c.Key())
	}
	return out
}

package ui

import (
	"fmt"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/prune"
	"github.com/ohdash/ohdash/ui/composer"
)

// policyPrompt is the payload of the composer that asks for a prune
// policy to mark the shown sandboxes by (W).
type policyPrompt struct{}

// openPolicyPrompt asks for a policy in `ohdash prune`'s terms. Marking
// changes nothing: the bulk keys (d, p) act on the marks after their own
// confirmation, so read-only mode refuses there, not here.
func (m Model) openPolicyPrompt() (Model, tea.Cmd) {
	c, cc := composer.New(m.th, m.cfg.Keys.Composer, "mark the shown sandboxes a prune policy selects", "", policyPrompt{})
	c = c.WithPlaceholder("status=ERROR,MISSING older=24h backend=local")
	m.composer = &c
	return m, cc
}

// policyMsg handles the policy composer's answer; ok is false for other
// messages.
func (m Model) policyMsg(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case composer.SubmitMsg:
		if _, ok := msg.Payload.(policyPrompt); ok {
			m.composer = nil
			return m.markByPolicy(msg.Text), nil, true
		}
	case composer.CancelMsg:
		if _, ok := msg.Payload.(policyPrompt); ok {
			m.composer = nil
			return m.info("cancelled"), nil, true
		}
	}
	return m, nil, false
}

// markByPolicy marks the sandboxes the filter shows that the policy
// selects, by the same rule as `ohdash prune` (a known sandbox prefix
// first of all), and says how many.
func (m Model) markByPolicy(text string) Model {
	p, err := prune.ParseWords(text)
	if err != nil {
		return m.warn("policy: " + err.Error())
	}
	now := m.now()
	shown := m.table.Shown()
	var keys []string
	for _, sb := range shown {
		if p.Decide(sb.Source, sb, prune.Activity{}, now).Act {
			keys = append(keys, sb.Key())
		}
	}
	words := backend.SafeText(strings.Join(strings.Fields(text), " "))
	if len(keys) == 0 {
		return m.info(fmt.Sprintf("no shown sandbox matches %s", words))
	}
	m.table = m.table.SetMarked(true, keys...)
	return m.info(fmt.Sprintf("marked %d of %d shown sandboxes (%s): d deletes them, p pauses them, u clears the marks", len(keys), len(shown), words))
}

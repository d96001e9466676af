// Package spend is what the agents cost: totals of the cost and tokens the
// agent-servers report for every conversation ohdash can see (by model,
// sandbox and backend), a bounded history of cost snapshots in an embedded
// store (so the spend rate and per-day totals survive restarts), and spend
// budgets that raise an alert when crossed.
//
// Cost and tokens are never estimated: they are the conversation stats the
// agent-servers (and app-servers) return with their conversation lists,
// which the dashboard and the command line already read.
package spend

import (
	"cmp"
	"math"
	"slices"

	"github.com/ohdash/ohdash/backend"
)

// UnknownModel names the group of conversations whose model is not known.
const UnknownModel = "(unknown)"

// Total is cost and tokens summed over some conversations.
type Total struct {
	// Cost is in USD.
	Cost          float64
	Tokens        backend.TokenUsage
	Conversations int
}

func (t *Total) add(c backend.Conversation) {
	t.Cost = addCost(t.Cost, c.Cost)
	t.Tokens = addTokens(t.Tokens, c.Tokens)
	t.Conversations++
}

// Group is the total of the conversations sharing a model, a sandbox or a
// backend. Name is as the server sent it: sanitise before output.
type Group struct {
	Name string
	// Backend is the sandbox's backend (groups by sandbox only).
	Backend string
	Total
}

// Summary is the fleet's spend as the latest conversation lists show it.
type Summary struct {
	Total     Total
	ByModel   []Group
	BySandbox []Group
	ByBackend []Group
	// Top are the costliest conversations, most expensive first.
	Top []backend.Conversation
}

// Summarise totals a refreshed conversation list. A conversation listed
// twice (the same Key) counts once, at its highest cost; a cost that is
// negative, not a number or past any real value (a broken server) counts
// as zero. Groups are ordered by cost, then name; top caps Top (0: none).
func Summarise(convs []backend.Conversation, top int) Summary {
	convs = dedupe(convs) // as the history records it
	var s Summary
	models := make(map[string]*Group)
	sandboxes := make(map[string]*Group)
	backends := make(map[string]*Group)
	seen := make(map[string]struct{}, len(convs))
	ranked := make([]int, 0, len(convs))
	clean := make([]backend.Conversation, len(convs))
	for i, c := range convs {
		k := c.Key()
		if _, dup := seen[k]; dup {
			continue
		}
		seen[k] = struct{}{}
		c.Cost = SaneCost(c.Cost)
		c.Tokens = saneTokens(c.Tokens)
		clean[i] = c
		ranked = append(ranked, i)
		s.Total.add(c)
		model := c.Model
		if model == "" {
			model = UnknownModel
		}
		group(models, model, "").add(c)
		group(sandboxes, c.SandboxKey(), c.Source).add(c)
		group(backends, c.Source, "").add(c)
	}
	s.ByModel, s.BySandbox, s.ByBackend = ordered(models), ordered(sandboxes), ordered(backends)
	for i := range s.BySandbox {
		// The key is "backend/id"; the id is what a person names.
		g := &s.BySandbox[i]
		g.Name = g.Name[len(g.Backend)+1:]
	}
	if top > 0 {
		s.Top = topN(clean, ranked, top)
	}
	return s
}

func group(m map[string]*Group, name, backendName string) *Total {
	g, ok := m[name]
	if !ok {
		g = &Group{Name: name, Backend: backendName}
		m[name] = g
	}
	return &g.Total
}

func ordered(m map[string]*Group) []Group {
	out := make([]Group, 0, len(m))
	for _, g := range m {
		out = append(out, *g)
	}
	slices.SortFunc(out, func(a, b Group) int {
		if c := cmp.Compare(b.Cost, a.Cost); c != 0 {
			return c
		}
		return cmp.Compare(a.Name, b.Name)
	})
	return out
}

// topN picks the n costliest conversations without sorting them all: a
// bounded insertion keeps it O(len·n) with n small (the screen's rows).
func topN(convs []backend.Conversation, idx []int, n int) []backend.Conversation {
	best := make([]int, 0, n+1)
	less := func(a, b int) bool { // a ranks before b
		ca, cb := convs[a], convs[b]
		if ca.Cost != cb.Cost {
			return ca.Cost > cb.Cost
		}
		return ca.Key() < cb.Key()
	}
	for _, i := range idx {
		if len(best) == n && !less(i, best[n-1]) {
			continue
		}
		pos := len(best)
		for pos > 0 && less(i, best[pos-1]) {
			pos--
		}
		best = slices.Insert(best, pos, i)
		if len(best) > n {
			best = best[:n]
		}
	}
	out := make([]backend.Conversation, len(best))
	for j, i := range best {
		out[j] = convs[i]
	}
	return out
}

// Bounds of what a server may report for one conversation: above them a
// value is garbage (a broken or hostile server), not spend, and counts as
// zero, so sums over any fleet stay finite.
const (
	maxCost   = 1e9  // USD
	maxTokens = 1e15 // tokens of one kind
)

// SaneCost is a reported cost as ohdash counts it: NaN, infinities,
// negative and implausibly large values (a broken or hostile server) count
// as zero.
func SaneCost(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > maxCost {
		return 0
	}
	return v
}

func saneTokens(t backend.TokenUsage) backend.TokenUsage {
	for _, p := range []*int64{&t.Prompt, &t.Completion, &t.CacheRead, &t.CacheWrite, &t.Reasoning} {
		if *p < 0 || *p > maxTokens {
			*p = 0
		}
	}
	return t
}

// addCost adds costs without ever reaching +Inf (which JSON cannot hold):
// values read back from a planted history file are not bounded by SaneCost.
func addCost(a, b float64) float64 { return min(a+b, math.MaxFloat64) }

// addInt adds counts, saturating instead of wrapping to a negative count.
func addInt(a, b int64) int64 {
	if b > 0 && a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

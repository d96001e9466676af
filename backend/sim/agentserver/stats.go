package agentserver

import (
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// usageIDs are the LLM usage ids a conversation reports, in order: the
// agent's LLM and the condenser (as in fixture example B of PROTOCOL.md).
var usageIDs = []string{"default", "condenser"}

// maxMetricRecords caps the per-call lists of a Metrics dump.
const maxMetricRecords = 200

// usage accumulates one LLM's metrics (SDKP/llm/utils/metrics.py).
type usage struct {
	cost                        float64
	prompt, completion          int
	cacheRead, cacheWrite       int
	reasoning, perTurn, context int
	costs, latencies, tokens    []any // per-call records for the full Metrics dump
}

// stats is a conversation's ConversationStats.
type stats struct {
	model string
	byID  map[string]*usage
}

func newStats(model string) *stats {
	s := &stats{model: model, byID: map[string]*usage{}}
	for _, id := range usageIDs {
		s.byID[id] = &usage{}
	}
	return s
}

// addTurn records one LLM call for usage id and returns nothing; turn
// numbers make the counters grow the way a real context does.
func (s *stats) addTurn(id string, turn int, now time.Time) {
	u := s.byID[id]
	prompt := 1800 + 350*turn
	completion := 120 + 15*(turn%7)
	in, out := prices(s.model)
	cost := float64(prompt)*in + float64(completion)*out
	if id != "default" {
		prompt, completion, cost = prompt/4, 200, cost/5
	}
	respID := wire.NewHex()
	u.cost += cost
	u.prompt += prompt
	u.completion += completion
	u.cacheRead += prompt / 3
	u.perTurn = prompt + completion
	u.context = 200000
	if len(u.costs) >= maxMetricRecords {
		// Bulk-generated histories would otherwise make every
		// ConversationInfo megabytes long; the totals stay exact.
		u.costs, u.latencies, u.tokens = u.costs[1:], u.latencies[1:], u.tokens[1:]
	}
	u.costs = append(u.costs, wire.Obj{
		{K: "model", V: s.model}, {K: "cost", V: cost}, {K: "timestamp", V: float64(now.UnixMicro()) / 1e6},
	})
	u.latencies = append(u.latencies, wire.Obj{
		{K: "model", V: s.model}, {K: "latency", V: 1.5 + float64(turn%5)/10}, {K: "response_id", V: respID},
	})
	u.tokens = append(u.tokens, s.tokenUsage(prompt, completion, prompt/3, 0, 0, 200000, prompt+completion, respID))
}

// prices are USD per prompt and per completion token, by the model's
// last path segment's family, so spend differs by model as LiteLLM
// prices it; anything else is priced like Claude Sonnet.
func prices(model string) (in, out float64) {
	switch m := strings.ToLower(model); {
	case strings.Contains(m, "gpt-5"):
		return 1.25e-06, 1e-05
	case strings.Contains(m, "deepseek"):
		return 2.7e-07, 1.1e-06
	case strings.Contains(m, "free"), strings.Contains(m, "local"):
		return 0, 0 // an unpriced model: cost 0 with tokens counted
	}
	return 3e-06, 1.5e-05
}

func (s *stats) tokenUsage(prompt, completion, cacheRead, cacheWrite, reasoning, context, perTurn int, respID string) wire.Obj {
	return wire.Obj{
		{K: "model", V: s.model},
		{K: "prompt_tokens", V: prompt},
		{K: "completion_tokens", V: completion},
		{K: "cache_read_tokens", V: cacheRead},
		{K: "cache_write_tokens", V: cacheWrite},
		{K: "reasoning_tokens", V: reasoning},
		{K: "context_window", V: context},
		{K: "per_turn_token", V: perTurn},
		{K: "response_id", V: respID},
	}
}

// snapshot is one usage's MetricsSnapshot.
func (s *stats) snapshot(u *usage) wire.Obj {
	return wire.Obj{
		{K: "model_name", V: s.model},
		{K: "accumulated_cost", V: u.cost},
		{K: "max_budget_per_task", V: nil},
		{K: "accumulated_token_usage", V: s.tokenUsage(u.prompt, u.completion, u.cacheRead, u.cacheWrite, u.reasoning, u.context, u.perTurn, "")},
	}
}

// compact is the value of a ConversationStateUpdateEvent with key
// "stats": snapshots only (ConversationStats with use_snapshot).
func (s *stats) compact() wire.Obj {
	m := make(wire.Obj, 0, len(usageIDs))
	for _, id := range usageIDs {
		m = append(m, wire.KV{K: id, V: s.snapshot(s.byID[id])})
	}
	return wire.Obj{{K: "usage_to_metrics", V: m}}
}

// full is ConversationStats as ConversationInfo carries it: every Metrics
// with its per-call lists.
func (s *stats) full() wire.Obj {
	m := make(wire.Obj, 0, len(usageIDs))
	for _, id := range usageIDs {
		u := s.byID[id]
		o := s.snapshot(u)
		o = append(o,
			wire.KV{K: "costs", V: orEmpty(u.costs)},
			wire.KV{K: "response_latencies", V: orEmpty(u.latencies)},
			wire.KV{K: "token_usages", V: orEmpty(u.tokens)},
		)
		m = append(m, wire.KV{K: id, V: o})
	}
	return wire.Obj{{K: "usage_to_metrics", V: m}}
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

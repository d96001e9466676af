package agentserver_test

import (
	"encoding/json"
	"testing"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
)

// costOf sums accumulated_cost over a conversation's usage ids, as
// PROTOCOL.md §8.4 says a client must.
func costOf(t *testing.T, srv *agentserver.Server, id string) float64 {
	t.Helper()
	raw, err := srv.Info(id)
	if err != nil {
		t.Fatal(err)
	}
	var info struct {
		Stats struct {
			UsageToMetrics map[string]struct {
				Cost float64 `json:"accumulated_cost"`
			} `json:"usage_to_metrics"`
		} `json:"stats"`
	}
	if err := json.Unmarshal(raw, &info); err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, m := range info.Stats.UsageToMetrics {
		sum += m.Cost
	}
	return sum
}

// Spend differs by model as a LiteLLM proxy prices it, an unpriced model
// costs nothing, and cost grows with every turn the agent works.
func TestStatsPricedByModel(t *testing.T) {
	e := start(t, agentserver.Options{})
	seed := func(model string, turns int) string {
		id, err := e.srv.Seed(agentserver.SeedSpec{Model: model, Turns: turns, Status: "finished"})
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	sonnet := costOf(t, e.srv, seed("litellm_proxy/anthropic/claude-sonnet-4-5-20250929", 2))
	gpt := costOf(t, e.srv, seed("litellm_proxy/openai/gpt-5-2025-08-07", 2))
	deepseek := costOf(t, e.srv, seed("litellm_proxy/deepseek/deepseek-chat", 2))
	free := costOf(t, e.srv, seed("ollama/local-llama", 2))
	if !(sonnet > gpt && gpt > deepseek && deepseek > 0 && free == 0) {
		t.Fatalf("sonnet %v, gpt-5 %v, deepseek %v, local %v", sonnet, gpt, deepseek, free)
	}
	id := seed("litellm_proxy/openai/gpt-5-2025-08-07", 1)
	before := costOf(t, e.srv, id)
	if _, err := e.srv.Generate(id, 10); err != nil {
		t.Fatal(err)
	}
	if after := costOf(t, e.srv, id); after <= before {
		t.Fatalf("cost did not grow with two more LLM calls: %v then %v", before, after)
	}
}

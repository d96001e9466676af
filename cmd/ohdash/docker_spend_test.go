package main

import (
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// ohdash spend against agent-servers in real containers: what they report
// is totalled, and what an agent spends after the first snapshot shows in
// the last hour of the next.
func TestDockerSpend(t *testing.T) {
	h, e := dockerHarness(t)
	const convID = "7c0ffee0-1b2f-4c11-9a0e-3f6c2d8b9e10"
	_, name := e.Run(t, dockertest.RunOptions{Ports: []int{8000}, Env: map[string]string{
		"OH_SESSION_API_KEYS_0": dockerSessionKey, "AGENTSIM_SEED_CONVERSATIONS": "3", "AGENTSIM_SEED_ID": convID,
		"AGENTSIM_SEED_STATUS": "finished", "AGENTSIM_SEED_TURNS": "2", "AGENTSIM_MODEL": "litellm_proxy/openai/gpt-5-2025-08-07",
		"AGENTSIM_PACE": "50ms",
	}})
	waitHealthy(t, h, name)
	first, _ := spendOf(t, h, exitOK)
	if first.Total.Conversations != 3 || first.Total.Cost <= 0 || len(first.BySandbox) != 1 || first.BySandbox[0].Name != name ||
		first.ByModel[0].Name != "litellm_proxy/openai/gpt-5-2025-08-07" || first.ByBackend[0].Name != "local" {
		t.Fatalf("first spend: %+v", first)
	}
	h.must(exitOK, "send", convID, "run the tests again")
	var next spendJSON
	waitFor(t, 30*time.Second, "the agent's new turn to be counted", func() bool {
		next, _ = spendOf(t, h, exitOK)
		return next.LastHour.Cost > 0
	})
	if grown := next.Total.Cost - first.Total.Cost; next.LastHour.Cost > grown+1e-9 || next.Top[0].ID != convID {
		t.Fatalf("last hour $%v, totals grew $%v, top %+v", next.LastHour.Cost, grown, next.Top[0])
	}
}

package openhands

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/appserver"
)

// TestStatsNotExposed: the app-server's SandboxInfo has status, URLs and
// a session key, no resource use, and ohdash invents none.
func TestStatsNotExposed(t *testing.T) {
	b := newBackend(t, startSim(t, appserver.Config{}, appserver.SeedOptions{}), testKey)
	if backend.Supports(b, backend.CapStats) {
		t.Error("the app-server backend claims resource figures it does not expose")
	}
	if _, ok := any(b).(backend.StatsReader); ok {
		t.Error("the app-server backend implements StatsReader")
	}
}

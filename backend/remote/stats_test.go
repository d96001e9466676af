package remote

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// TestStatsNotExposed: the runtime API reports no resource use (its
// runtime objects carry status, URLs and restart counts; resource_factor
// is what was asked for at /start, not what is used), and ohdash invents
// none: the backend does not claim the capability, so the UI and `ohdash
// top` say "n/a" once for it.
func TestStatsNotExposed(t *testing.T) {
	r := newRig(t, runtimeapi.Config{}, nil)
	if backend.Supports(r.b, backend.CapStats) {
		t.Error("the remote backend claims resource figures the runtime API does not expose")
	}
	if _, ok := any(r.b).(backend.StatsReader); ok {
		t.Error("the remote backend implements StatsReader")
	}
}

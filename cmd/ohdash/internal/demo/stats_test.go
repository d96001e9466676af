package demo

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// The demo's sandboxes have figures while running and none while paused,
// within their limits.
func TestDemoStatsFollowTheStatus(t *testing.T) {
	ctx, d, sbs := startDemo(t)
	if !backend.Supports(d.Backend, backend.CapStats) {
		t.Fatal("the demo backend must expose resource figures")
	}
	ids := make([]string, len(sbs))
	for i, s := range sbs {
		ids[i] = s.ID
	}
	got, err := d.Backend.(backend.StatsReader).Stats(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range sbs {
		smp, ok := got[s.ID]
		if ok != (s.Status == backend.StatusRunning) {
			t.Errorf("%s is %s: sample present %v", s.ID, s.Status, ok)
		}
		if ok && (!smp.HasCPU || smp.CPUPercent > smp.CPULimit*100 || smp.MemUsed > smp.MemLimit) {
			t.Errorf("%s: implausible sample %+v", s.ID, smp)
		}
	}
}

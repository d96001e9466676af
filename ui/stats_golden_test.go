package ui

import (
	"fmt"
	"math"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// withHistory samples the running fixture sandbox n times with figures
// that rise and fall, so the charts have a shape.
func withHistory(h *statsHarness, n int) {
	id := fixtureSandboxes()[0].ID
	for i := range n {
		x := float64(i)
		smp := sample(60+50*math.Sin(x/4), uint64(700+200*math.Sin(x/7))<<20)
		smp.CPULimit = 2
		smp.NetRxRate, smp.NetTxRate = 2000+1500*math.Sin(x/3), 800*x
		smp.BlkReadRate, smp.BlkWriteRate = float64(i%5)*4096, 64<<10
		if i == n/2 {
			smp.HasRates = false // a sample without rates is a gap
		}
		h.fs.SetSample(id, smp)
		h.tick()
	}
}

func TestGoldenResources(t *testing.T) {
	cases := []struct {
		name  string
		steps func(h *statsHarness)
	}{
		{"resources_columns", func(h *statsHarness) { withHistory(h, 3) }},
		{"resources_columns_pending", nil},
		{"resources_tab", func(h *statsHarness) { h.key("down"); withHistory(h, 70); h.key("4") }},
		{"resources_tab_paused", func(h *statsHarness) { h.key("down"); h.key("down"); h.key("4") }},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, c := range cases {
			name := fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				h := newStatsHarness(t, size[0], size[1], Config{}, fixtureSandboxes()...)
				if c.steps != nil {
					c.steps(h)
				}
				v := h.view()
				checkShape(t, v, size[0], size[1])
				testkit.Golden(t, name, v)
			})
		}
	}
}

// The unsupported case is also golden: the note, and n/a in the rows.
func TestGoldenResourcesUnsupported(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		h := newStatsHarness(t, size[0], size[1], Config{}, fixtureSandboxes()...)
		h.fs.FailStats(fmt.Errorf("x: %w", backend.ErrUnsupported))
		h.tick()
		v := h.view()
		checkShape(t, v, size[0], size[1])
		testkit.Golden(t, fmt.Sprintf("resources_unsupported_%dx%d", size[0], size[1]), v)
	}
}

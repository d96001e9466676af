package ui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// benchSampling measures one sampling tick of a dashboard listing n
// running sandboxes at 120×40: the requests built, the backend's answer
// (the fake, which answers at once) and applying it. The figure to
// compare is BenchmarkSamplingTick500 against BenchmarkSamplingTick50 in
// the same run, and ids/tick, which must be the same: the cost follows
// the rows on screen, not the rows listed.
func benchSampling(b *testing.B, n int) {
	sbs := running(n)
	h := newStatsHarness(b, 120, 40, Config{}, sbs...)
	for _, sb := range sbs {
		h.fs.SetSample(sb.ID, sample(10, 1<<28))
	}
	calls := 0
	ids := 0
	b.ResetTimer()
	for b.Loop() {
		var reqs []tea.Cmd
		h.m, reqs = h.m.requests(h.m.stats.gen)
		for _, c := range reqs {
			msg := c().(statsResultMsg)
			calls++
			ids += len(msg.asked)
			next, _ := h.m.Update(msg)
			h.m = next.(Model)
		}
	}
	b.ReportMetric(float64(calls)/float64(b.N), "requests/tick")
	b.ReportMetric(float64(ids)/float64(b.N), "ids/tick")
}

func BenchmarkSamplingTick50(b *testing.B)  { benchSampling(b, 50) }
func BenchmarkSamplingTick500(b *testing.B) { benchSampling(b, 500) }

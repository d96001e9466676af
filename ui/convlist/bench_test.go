package convlist

import (
	"fmt"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/sandboxes"
)

// sandboxRows makes n sandboxes for the baseline table.
func sandboxRows(n int) []backend.Sandbox {
	out := make([]backend.Sandbox, n)
	for i := range out {
		out[i] = backend.Sandbox{ID: fmt.Sprintf("oh-agent-server-%04d", i), Source: "docker",
			Status: backend.StatusRunning, Image: "ghcr.io/openhands/agent-server:1.4", CreatedAt: now.Add(-time.Duration(i) * time.Minute)}
	}
	return out
}

// BenchmarkConvsFrame1000 renders one 120×30 frame of 1000 conversations,
// cursor mid-list, next to two baselines timed in the same loop: the same
// table holding one screenful (28 rows), and the sandboxes table with 1000
// rows at the same size. A frame must cost O(screen): ratio-vs-screenful
// stays near 1 however long the list.
func BenchmarkConvsFrame1000(b *testing.B) {
	big := newModel(120, 30, many(1000))
	big = keys(big, "!")
	for range 500 {
		big = keys(big, "down")
	}
	screen := newModel(120, 30, many(28))
	sb := sandboxes.New(theme.New(true), sandboxes.WithClock(clock)).SetSize(120, 30).Focus().SetSandboxes(sandboxRows(1000))
	var tBig, tScreen, tSb time.Duration
	for b.Loop() {
		t0 := time.Now()
		_ = big.View()
		t1 := time.Now()
		_ = screen.View()
		t2 := time.Now()
		_ = sb.View()
		tSb += time.Since(t2)
		tScreen += t2.Sub(t1)
		tBig += t1.Sub(t0)
	}
	n := float64(b.N)
	b.ReportMetric(float64(tBig.Microseconds())/n, "µs-frame-1000")
	b.ReportMetric(float64(tScreen.Microseconds())/n, "µs-frame-28")
	b.ReportMetric(float64(tSb.Microseconds())/n, "µs-sandboxes-1000")
	b.ReportMetric(float64(tBig)/float64(tScreen), "ratio-vs-screenful")
	b.ReportMetric(float64(tBig)/float64(tSb), "ratio-vs-sandboxes")
}

// BenchmarkConvsLiveUpdate1000 applies one live cost tick (the common event
// stream update, which leaves the order alone) and one status change
// (which re-sorts) to a 1000-row table, next to a full refresh.
func BenchmarkConvsLiveUpdate1000(b *testing.B) {
	list := many(1000)
	m := newModel(120, 30, list)
	c := list[500]
	b.Run("cost", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			c.Cost = float64(i)
			_ = m.UpdateConversation(c)
		}
	})
	b.Run("status", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			c.Status = allStatuses[i%len(allStatuses)]
			_ = m.UpdateConversation(c)
		}
	})
	b.Run("refresh", func(b *testing.B) {
		for b.Loop() {
			_ = m.SetConversations(list)
		}
	})
}

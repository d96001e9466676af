package demo

import (
	"context"
	"hash/fnv"
	"math"
	"time"

	"github.com/ohdash/ohdash/backend"
)

var _ backend.StatsReader = (*withLogs)(nil)

// Stats gives the simulated sandboxes simulated resource figures, so the
// demo shows the resource columns and charts: each running sandbox has
// its own steady load (from the seed and its id) with a slow wave on
// top, and a 2 GiB, 2-core limit. Paused ones are absent, as on Docker.
func (b *withLogs) Stats(ctx context.Context, ids []string) (map[string]backend.ResourceSample, error) {
	sbs, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	live := map[string]bool{}
	for _, s := range sbs {
		live[s.ID] = s.Status == backend.StatusRunning
	}
	now := time.Now()
	out := map[string]backend.ResourceSample{}
	for _, id := range ids {
		if live[id] {
			out[id] = simulatedSample(b.seed, id, now)
		}
	}
	return out, nil
}

func simulatedSample(seed uint64, id string, now time.Time) backend.ResourceSample {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	k := h.Sum64() ^ seed
	base := float64(k%90) + 5                 // 5–95 % of a core
	phase := float64(k%628) / 100             // where on its wave it is
	t := float64(now.UnixMilli()) / 1000 / 20 // one wave every ~2 minutes
	wave := math.Sin(t+phase)*0.5 + 0.5
	mem := uint64(200+k%1200) << 20
	return backend.ResourceSample{
		Time: now, Interval: 2 * time.Second,
		CPUPercent: base * (0.4 + wave), HasCPU: true, CPULimit: 2,
		MemUsed: mem + uint64(wave*float64(100<<20)), MemLimit: 2 << 30, HasMem: true,
		NetRxRate: 2048 * (1 + 40*wave), NetTxRate: 512 * (1 + 10*(1-wave)),
		BlkReadRate: float64(k%7) * 1024 * wave, BlkWriteRate: 16384 * (1 + wave), HasRates: true,
		PIDs: 6 + k%20, HasPIDs: true,
	}
}

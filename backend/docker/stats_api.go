package docker

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"sync"

	"github.com/moby/moby/api/types/container"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

// statsBodyLimit bounds one stats answer (a few KiB in practice).
const statsBodyLimit = 1 << 20

// maxNamedList is the most names listNamed asks the engine to filter on;
// past it, every sandbox is listed (the query would grow too long).
const maxNamedList = 100

// listNamed lists the named sandboxes only, so the answer (and the
// engine's work encoding it) grows with what is on screen, not with every
// sandbox there is. The name filter is a regular expression on both
// engines, against "/name" on Docker and "name" on Podman.
func (b *Backend) listNamed(ctx context.Context, names []string) ([]record, error) {
	if len(names) > maxNamedList {
		return b.listRecords(ctx)
	}
	f := make(client.Filters)
	for _, n := range names {
		f.Add("name", "^/?"+regexp.QuoteMeta(n)+"$")
	}
	return b.listFiltered(ctx, f)
}

// statsAPI samples sandboxes through the engine's stats API: one list for
// their states (a paused container still answers stats), then one
// one-shot stats call per running sandbox, a few at a time. One-shot
// answers carry no previous sample: the previous call's reading, kept
// here, stands in for it.
func (b *Backend) statsAPI(ctx context.Context, want []string, targets map[string]*statsTarget, put func(string, backend.ResourceSample)) error {
	if len(want) == 0 {
		return nil
	}
	recs, err := b.listNamed(ctx, want)
	if err != nil {
		return err
	}
	byName := make(map[string]record, len(recs))
	for _, r := range recs {
		byName[r.Name] = r
	}
	sem := make(chan struct{}, statsAPIParallel)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var errs []error
	for _, id := range want {
		r, ok := byName[id]
		t := targets[id]
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			t.mu.Lock()
			defer t.mu.Unlock()
			t.dropCgroup() // after a fall back from the cgroup files
			if !ok || r.State != "running" {
				t.prev = nil
				return
			}
			s, ok, err := b.statsOne(ctx, id, r.ID, t)
			if err != nil {
				mu.Lock()
				errs = append(errs, err)
				mu.Unlock()
				return
			}
			if ok {
				put(id, s)
			}
		})
	}
	wg.Wait()
	return firstError(errs)
}

// statsOne samples one running container through the API.
func (b *Backend) statsOne(ctx context.Context, id, instance string, t *statsTarget) (backend.ResourceSample, bool, error) {
	if t.instance != instance {
		c, running, err := b.inspectForStats(ctx, instance)
		if err != nil || !running {
			return backend.ResourceSample{}, false, err
		}
		t.learn(c)
		t.prev = nil
	}
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	res, err := b.cli.ContainerStats(ctx, instance, client.ContainerStatsOptions{})
	if err != nil {
		if errors.Is(sentinelFor(err), backend.ErrNotFound) {
			return backend.ResourceSample{}, false, nil // removed since the list
		}
		return backend.ResourceSample{}, false, engineErr("stats", id, err)
	}
	defer res.Body.Close()
	var r container.StatsResponse
	if err := json.NewDecoder(io.LimitReader(res.Body, statsBodyLimit)).Decode(&r); err != nil {
		return backend.ResourceSample{}, false, fmt.Errorf("stats %s: %w", id, err)
	}
	cur, ok := countersFromAPI(r, instance, t.cpuLimit, t.memLimited)
	if !ok {
		t.prev = nil
		return backend.ResourceSample{}, false, nil
	}
	s := sampleFrom(t.prev, cur)
	t.prev = &cur
	return s, true, nil
}

// countersFromAPI reads one stats answer. ok is false for an answer with
// no reading (a container that stopped since it was listed).
func countersFromAPI(r container.StatsResponse, instance string, cpuLim float64, memLimited bool) (counters, bool) {
	if r.Read.IsZero() || r.Read.Unix() <= 0 {
		return counters{}, false
	}
	c := counters{
		At: r.Read, Instance: instance, CPULimit: cpuLim,
		CPUNanos: r.CPUStats.CPUUsage.TotalUsage, HasCPU: true,
		MemUsed: memUsed(r.MemoryStats.Usage, r.MemoryStats.Stats), HasMem: true,
		PIDs: r.PidsStats.Current, HasPIDs: true,
		HasNet: true, HasBlk: true,
	}
	if memLimited {
		// Unlimited shows as the host's memory here: only a limit the
		// container was given is one.
		c.MemLimit = memLimit(r.MemoryStats.Limit, 0)
	}
	for _, n := range r.Networks {
		c.NetRx += n.RxBytes
		c.NetTx += n.TxBytes
	}
	for _, e := range r.BlkioStats.IoServiceBytesRecursive {
		switch strings.ToLower(e.Op) {
		case "read":
			c.BlkRead += e.Value
		case "write":
			c.BlkWrite += e.Value
		}
	}
	return c, true
}

package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// primeGap is the wait between the two readings a one-off sample takes:
// CPU shares and rates need two (the first reading has memory only).
const primeGap = time.Second

// statsTimeout bounds one round of Stats calls of one backend.
const statsTimeout = 30 * time.Second

// rowStats is what is known of one sandbox's resource use.
type rowStats struct {
	s backend.ResourceSample
	// have: a sample is there; na: its backend exposes no figures;
	// failed: its backend's Stats call failed this round.
	have, na, failed bool
}

// rowKey names a sandbox across backends.
func rowKey(sb backend.Sandbox) string { return sb.Source + "\x00" + sb.ID }

// sampler samples the running sandboxes of listings and says once, on
// stderr, which backends expose no figures and which failed.
type sampler struct {
	a     *app
	noted map[string]string // backend → the last thing said about it
}

func newSampler(a *app) *sampler { return &sampler{a: a, noted: map[string]string{}} }

// note says msg about a backend unless it was the last thing said.
func (p *sampler) note(name, msg string) {
	if p.noted[name] == msg {
		return
	}
	p.noted[name] = msg
	p.a.warnf("backend %s: %s", name, msg)
}

// sample reads every listed backend's running sandboxes once; failed is
// set when a backend's figures could not be read.
func (p *sampler) sample(ctx context.Context, ls []listing) (rows map[string]rowStats, failed error) {
	rows = map[string]rowStats{}
	for _, l := range ls {
		name := l.backend.Name()
		sr, ok := l.backend.(backend.StatsReader)
		if !ok || !backend.Supports(l.backend, backend.CapStats) {
			for _, sb := range l.sandboxes {
				rows[rowKey(sb)] = rowStats{na: true}
			}
			if len(l.sandboxes) > 0 {
				p.note(name, "exposes no resource figures (n/a)")
			}
			continue
		}
		var ids []string
		for _, sb := range l.sandboxes {
			if sb.Status == backend.StatusRunning {
				ids = append(ids, sb.ID)
			}
		}
		if len(ids) == 0 {
			continue
		}
		sctx, cancel := context.WithTimeout(ctx, statsTimeout)
		got, err := sr.Stats(sctx, ids)
		cancel()
		if errors.Is(err, backend.ErrUnsupported) {
			for _, sb := range l.sandboxes {
				rows[rowKey(sb)] = rowStats{na: true}
			}
			p.note(name, "exposes no resource figures (n/a)")
			continue
		}
		if err != nil && ctx.Err() == nil {
			p.note(name, fmt.Sprintf("resource use: %v", err))
			failed = errors.Join(failed, fmt.Errorf("backend %s: resource use: %w", name, err))
		}
		for _, sb := range l.sandboxes {
			if s, ok := got[sb.ID]; ok {
				rows[rowKey(sb)] = rowStats{s: s, have: true}
			} else if err != nil && sb.Status == backend.StatusRunning {
				rows[rowKey(sb)] = rowStats{failed: true}
			}
		}
		if err == nil {
			delete(p.noted, name)
		}
	}
	return rows, failed
}

// sampleTwice takes two readings primeGap apart, so CPU shares and rates
// are known: what one-off commands (`top --no-stream`, `ls --stats`) show.
func (p *sampler) sampleTwice(ctx context.Context, ls []listing) (map[string]rowStats, error) {
	if _, err := p.sample(ctx, ls); err != nil && ctx.Err() != nil {
		return nil, err
	}
	t := time.NewTimer(primeGap)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-t.C:
	}
	return p.sample(ctx, ls)
}

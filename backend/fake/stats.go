package fake

import (
	"context"
	"slices"
	"sync"

	"github.com/ohdash/ohdash/backend"
)

// Stats is a fake backend with resource figures (backend.StatsReader):
// the test sets each sandbox's sample, or an error, and reads back every
// call's ids, to check that only what is on screen was asked for.
type Stats struct {
	*Backend

	mu      sync.Mutex
	samples map[string]backend.ResourceSample
	err     error
	calls   [][]string
	// block, when set, holds every call until it is closed (or ctx ends).
	block chan struct{}
}

// WithStats adds resource figures to b.
func WithStats(b *Backend) *Stats {
	return &Stats{Backend: b, samples: map[string]backend.ResourceSample{}}
}

var _ backend.StatsReader = (*Stats)(nil)

// SetSample sets the sample Stats returns for id; running sandboxes
// without one are absent from the answer (as if not running).
func (s *Stats) SetSample(id string, smp backend.ResourceSample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samples[id] = smp
}

// FailStats makes every call fail with err (nil: answer again).
func (s *Stats) FailStats(err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.err = err
}

// BlockStats holds every call until the returned func is called.
func (s *Stats) BlockStats() (release func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := make(chan struct{})
	s.block = ch
	return sync.OnceFunc(func() { close(ch) })
}

// StatsCalls returns the ids of every call so far, in order.
func (s *Stats) StatsCalls() [][]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([][]string, len(s.calls))
	for i, c := range s.calls {
		out[i] = slices.Clone(c)
	}
	return out
}

// Stats implements backend.StatsReader: the samples set for the ids
// asked for, of sandboxes that are running.
func (s *Stats) Stats(ctx context.Context, ids []string) (map[string]backend.ResourceSample, error) {
	s.mu.Lock()
	s.calls = append(s.calls, slices.Clone(ids))
	block, err := s.block, s.err
	s.mu.Unlock()
	if block != nil {
		select {
		case <-block:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	if err != nil {
		return nil, err
	}
	s.Backend.mu.Lock()
	running := map[string]bool{}
	for _, sb := range s.Backend.sandboxes {
		running[sb.ID] = sb.Status == backend.StatusRunning || sb.RawState == "running"
	}
	s.Backend.mu.Unlock()
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]backend.ResourceSample{}
	for _, id := range ids {
		if smp, ok := s.samples[id]; ok && running[id] {
			out[id] = smp
		}
	}
	return out, nil
}

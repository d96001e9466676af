package restab

import (
	"math"
	"slices"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Window is how far back the history goes.
const Window = 5 * time.Minute

// maxLooked bounds how many sandboxes keep a history: the ones looked at
// last. A ring is a few kilobytes; the list could be thousands of rows.
const maxLooked = 8

// point is one sample, or a gap (ok false) where the sandbox was asked
// for and had no figures, or where sampling paused.
type point struct {
	at  time.Time
	smp backend.ResourceSample
	ok  bool
}

// ring is one sandbox's history: the last cap points. Once full, the
// newest point overwrites the oldest (at start), so a push copies
// nothing.
type ring struct {
	pts   []point
	start int
	cap   int
}

// at is the i-th point, oldest first.
func (r *ring) at(i int) point { return r.pts[(r.start+i)%len(r.pts)] }

func (r *ring) push(p point, every time.Duration) {
	if n := len(r.pts); n > 0 && every > 0 && p.at.Sub(r.at(n-1).at) > every*5/2 {
		// Sampling paused (the terminal was hidden, the tab not shown):
		// a gap says so instead of joining two far-apart moments.
		r.add(point{at: p.at})
	}
	r.add(p)
}

func (r *ring) add(p point) {
	if len(r.pts) < r.cap {
		r.pts = append(r.pts, p)
		return
	}
	r.pts[r.start] = p
	r.start = (r.start + 1) % len(r.pts)
}

// series is one figure over time; NaN where it is unknown.
func (r *ring) series(f func(backend.ResourceSample) (float64, bool)) []float64 {
	out := make([]float64, len(r.pts))
	for i := range out {
		p := r.at(i)
		out[i] = math.NaN()
		if p.ok {
			if v, ok := f(p.smp); ok {
				out[i] = v
			}
		}
	}
	return out
}

// last is the newest point with figures.
func (r *ring) last() (backend.ResourceSample, bool) {
	for i := len(r.pts) - 1; i >= 0; i-- {
		if p := r.at(i); p.ok {
			return p.smp, true
		}
	}
	return backend.ResourceSample{}, false
}

// histories are the rings of the sandboxes looked at, by Sandbox.Key,
// least recently looked at first in order.
type histories struct {
	rings map[string]*ring
	order []string
	cap   int
}

func newHistories(every time.Duration) *histories {
	c := 150
	if every > 0 {
		c = max(30, min(600, int(Window/every)))
	}
	return &histories{rings: map[string]*ring{}, cap: c}
}

// look starts (or keeps) the history of key, forgetting the sandbox
// looked at longest ago when there are too many.
func (h *histories) look(key string) {
	if i := slices.Index(h.order, key); i >= 0 {
		h.order = append(slices.Delete(h.order, i, i+1), key)
		return
	}
	h.rings[key] = &ring{cap: h.cap}
	h.order = append(h.order, key)
	if len(h.order) > maxLooked {
		delete(h.rings, h.order[0])
		h.order = slices.Delete(h.order, 0, 1)
	}
}

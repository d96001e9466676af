package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// topListWait is how long one round of `top` waits for a backend's
// listing before it draws without that backend: a frozen engine must not
// stop the table (nor the other backends' rows) for the 45 s a listing
// may take.
const topListWait = 3 * time.Second

// errTopLate marks a backend whose listing did not come within a round.
var errTopLate = errors.New("not answering")

// topLateNote is what top says, once, of a backend that is late.
const topLateNote = "not answering; its sandboxes are left out until it does"

// topLister lists the backends for `top`, round after round, with at most
// one listing in flight per backend: a backend that does not answer is
// not asked again (piling up calls on it) until it does, and each round
// reports it as not answering instead of waiting for it.
type topLister struct {
	bs      []backend.Backend
	pending map[int]time.Time // backend index → when its listing began
	done    chan topListed
}

type topListed struct {
	i int
	l listing
}

func newTopLister(bs []backend.Backend) *topLister {
	return &topLister{bs: bs, pending: map[int]time.Time{}, done: make(chan topListed, len(bs))}
}

// round lists every backend not still busy with an earlier listing and
// waits up to wait for all of them. A backend still busy after that is a
// listing with ErrUnavailable and no sandboxes.
func (t *topLister) round(ctx context.Context, wait time.Duration) []listing {
	out := make([]listing, len(t.bs))
	got := make([]bool, len(t.bs))
	for i, b := range t.bs {
		out[i].backend = b
		if _, busy := t.pending[i]; busy {
			continue
		}
		t.pending[i] = time.Now()
		go func() {
			// done has room for every backend, and each has at most one
			// listing in flight: this send never blocks.
			t.done <- topListed{i: i, l: listAll(ctx, []backend.Backend{b})[0]}
		}()
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	for len(t.pending) > 0 {
		select {
		case r := <-t.done:
			delete(t.pending, r.i)
			out[r.i], got[r.i] = r.l, true
		case <-timer.C:
			for i, since := range t.pending {
				if !got[i] {
					out[i].err = fmt.Errorf("backend %s: %w (no list for %s): %w",
						t.bs[i].Name(), errTopLate, time.Since(since).Round(time.Second), backend.ErrUnavailable)
				}
			}
			return out
		case <-ctx.Done():
			return out
		}
	}
	return out
}

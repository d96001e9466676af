package backend

import (
	"context"
	"sync"
)

// Hub combines several backends into one list. Each keeps its own
// connection and state; one failing source never hides the others.
type Hub struct {
	backends []Backend
	observe  func(Snapshot)
}

// NewHub returns a hub over the given backends; their names must differ.
func NewHub(backends ...Backend) *Hub { return &Hub{backends: backends} }

// Backends returns the backends in the order given.
func (h *Hub) Backends() []Backend { return h.backends }

// Observe makes Watch call f with every snapshot before passing it on,
// from the source's goroutine: what the alert detector hangs on the
// stream the dashboard reads. f must not block. Call it before Watch.
func (h *Hub) Observe(f func(Snapshot)) { h.observe = f }

// Backend returns the backend with the given source name.
func (h *Hub) Backend(source string) (Backend, bool) {
	for _, b := range h.backends {
		if b.Name() == source {
			return b, true
		}
	}
	return nil, false
}

// Watch merges the snapshots of every backend into one channel. Snapshots
// keep their Source, so a consumer replaces one source's rows at a time.
// The channel is closed when ctx is done and every source has stopped.
func (h *Hub) Watch(ctx context.Context) <-chan Snapshot {
	out := make(chan Snapshot, len(h.backends))
	var wg sync.WaitGroup
	for _, b := range h.backends {
		in := b.Watch(ctx)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range in {
				if h.observe != nil {
					h.observe(s)
				}
				select {
				case out <- s:
				case <-ctx.Done():
					// Drain so the source can close its channel and exit.
					for range in {
					}
					return
				}
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}

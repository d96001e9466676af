package remote

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"slices"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote/store"
)

// refresh brings the known sandboxes up to date with one GET /list plus
// the checks pickChecksLocked chooses for sandboxes missing from it, then
// saves what changed. With nothing changing it makes at most two calls.
func (b *Backend) refresh(ctx context.Context) error {
	b.refreshMu.Lock()
	defer b.refreshMu.Unlock()
	began := time.Now()
	b.loadStoreLocked(ctx)

	now := b.opts.Now()
	listErr, err := b.listApplied(ctx, now)
	if err != nil {
		// Nothing usable: asking about every sandbox instead would turn one
		// bad answer into a storm of batch calls.
		b.failed(err)
		return err
	}
	ids := b.pickChecksLocked(now)
	b.mu.Unlock()

	checkErr := listErr
	if len(ids) > 0 {
		checkErr = cmp.Or(b.check(ctx, ids, now), listErr)
	}
	b.save(ctx, b.settleAll(now))
	if checkErr != nil {
		b.failed(checkErr)
		return fmt.Errorf("%w: /list answered, but %w", ErrPartial, checkErr)
	}
	b.succeeded(began)
	return nil
}

// applyListLocked takes in a /list answer. Decoding is most of a
// refresh's work at a thousand runtimes, and in the steady state nothing
// changed: an answer identical to the last is not parsed at all, and in a
// changed one only the runtimes whose bytes changed are decoded. An answer
// that is not a list at all is fatal and changes nothing; a runtime in it
// that does not decode is skipped and reported in bad (it is then checked
// like any sandbox missing from the list).
func (b *Backend) applyListLocked(body []byte, now time.Time) (bad, fatal error) {
	if b.lastList != nil && bytes.Equal(body, b.lastList) && b.listIndexIntactLocked() {
		for _, e := range b.known {
			e.inList = false
		}
		for _, id := range b.listIndex {
			e := b.known[id]
			e.seen(now)
			e.inList, e.settled = true, false
		}
		return nil, nil
	}
	raws, err := splitList(body)
	if err != nil {
		return nil, err
	}
	b.lastList = nil
	for _, e := range b.known {
		e.inList = false
	}
	index := make(map[uint64]string, len(raws))
	for _, raw := range raws {
		h := maphash.Bytes(b.hashSeed, raw)
		if id, ok := b.listIndex[h]; ok {
			if e := b.known[id]; e != nil && bytes.Equal(e.raw, raw) {
				e.seen(now)
				e.inList, e.settled = true, false
				index[h] = id
				continue
			}
		}
		var rt runtimeInfo
		if err := json.Unmarshal(raw, &rt); err != nil {
			bad = cmp.Or(bad, fmt.Errorf("runtime API GET /list: %w: %w", ErrMalformedResponse, err))
			continue
		}
		id := cmp.Or(rt.SessionID, rt.runtimeID())
		if id == "" {
			continue
		}
		if err := rt.checkIDs(); err != nil {
			bad = cmp.Or(bad, err)
			continue
		}
		e := b.entryLocked(id, now)
		index[h] = id
		if e.inList && e.rt != nil && outranks(e.rt, &rt) {
			// The same session twice (an old, stopped runtime next to its
			// new one): the livelier one stands.
			continue
		}
		e.observe(rt, now)
		// A copy: a sub-slice would keep the whole answer alive.
		e.raw = bytes.Clone(raw)
		e.inList, e.settled = true, false
	}
	b.listIndex = index
	if bad == nil {
		b.lastList = body
	}
	return bad, nil
}

// outranks reports whether runtime a says more about its session than b:
// running beats starting beats paused beats error beats gone.
func outranks(a, b *runtimeInfo) bool {
	rank := func(r *runtimeInfo) int {
		switch mapStatus(r.Status, r.PodStatus) {
		case backend.StatusRunning:
			return 4
		case backend.StatusStarting:
			return 3
		case backend.StatusPaused:
			return 2
		case backend.StatusError:
			return 1
		}
		return 0
	}
	return rank(a) >= rank(b)
}

// listIndexIntactLocked reports whether every runtime of the last list
// still stands as it was decoded from it (an action or WaitReady may have
// replaced what is known about one since).
func (b *Backend) listIndexIntactLocked() bool {
	for _, id := range b.listIndex {
		if e := b.known[id]; e == nil || e.raw == nil {
			return false
		}
	}
	return true
}

// pickChecksLocked chooses which sandboxes missing from /list to ask
// about: every one not yet checked (something changed), then, as far as
// one batch allows, the longest-settled ones due for their slow re-check.
func (b *Backend) pickChecksLocked(now time.Time) []string {
	var fresh, due []*entry
	for _, e := range b.known {
		switch {
		case e.inList:
		case !e.settled:
			fresh = append(fresh, e)
		case now.Sub(e.checkedAt) >= b.opts.GoneRecheck:
			due = append(due, e)
		}
	}
	if len(fresh)+len(due) == 0 {
		return nil
	}
	slices.SortFunc(fresh, func(x, y *entry) int { return cmp.Compare(x.rec.ID, y.rec.ID) })
	slices.SortFunc(due, func(x, y *entry) int {
		if c := x.checkedAt.Compare(y.checkedAt); c != 0 {
			return c
		}
		return cmp.Compare(x.rec.ID, y.rec.ID)
	})
	ids := make([]string, 0, len(fresh)+len(due))
	for _, e := range append(fresh, due...) {
		ids = append(ids, e.rec.ID)
	}
	limit := b.opts.BatchSize
	if b.batch == batchMissing {
		limit = 2 * b.opts.FallbackConcurrency
	}
	if first := chunkIDs(ids, limit)[0]; len(fresh) <= len(first) {
		// Everything that changed fits in one request: top it up with
		// re-checks, but never make it two.
		return first
	}
	return ids[:len(fresh)]
}

// check asks about ids with /sessions/batch, or one by one when the API
// has no batch route (detected once, by 404 or 405, and remembered).
func (b *Backend) check(ctx context.Context, ids []string, now time.Time) error {
	if b.batch != batchMissing {
		err := b.checkBatch(ctx, ids, now)
		if err == nil {
			b.batch = batchSupported
			return nil
		}
		if !isMissingRoute(err) {
			return err
		}
		b.batch = batchMissing
	}
	return b.checkEach(ctx, ids, now)
}

func (b *Backend) checkBatch(ctx context.Context, ids []string, now time.Time) error {
	for _, chunk := range chunkIDs(ids, b.opts.BatchSize) {
		rts, err := b.api.batch(ctx, chunk)
		if err != nil {
			return err
		}
		found := make(map[string]runtimeInfo, len(rts))
		for _, rt := range rts {
			if rt.SessionID != "" && rt.checkIDs() == nil {
				found[rt.SessionID] = rt
			}
		}
		b.mu.Lock()
		for _, id := range chunk {
			rt, ok := found[id]
			b.checkedLocked(id, rt, ok, now)
		}
		b.mu.Unlock()
	}
	return nil
}

// checkEach is the fallback: GET /sessions/{id} per id, a few at a time.
func (b *Backend) checkEach(ctx context.Context, ids []string, now time.Time) error {
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		first error
		sem   = make(chan struct{}, b.opts.FallbackConcurrency)
	)
	for _, id := range ids {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			rt, err := b.api.session(ctx, id)
			if err != nil && !errors.Is(err, backend.ErrNotFound) {
				mu.Lock()
				first = cmp.Or(first, err)
				mu.Unlock()
				return
			}
			b.mu.Lock()
			b.checkedLocked(id, rt, err == nil, now)
			b.mu.Unlock()
		})
	}
	wg.Wait()
	return first
}

// checkedLocked applies the answer about one sandbox missing from /list.
func (b *Backend) checkedLocked(id string, rt runtimeInfo, found bool, now time.Time) {
	e := b.known[id]
	if e == nil {
		return // deleted meanwhile
	}
	if found {
		e.observe(rt, now)
	} else {
		e.markGone(now)
	}
	e.settled, e.checkedAt = true, now
}

// settleAll recomputes every status and returns the records to save.
func (b *Backend) settleAll(now time.Time) []store.Record {
	b.mu.Lock()
	defer b.mu.Unlock()
	var dirty []store.Record
	for _, e := range b.known {
		e.settle(now, b.opts.StartTimeout)
		if e.dirty {
			e.rec.UpdatedAt = now
			dirty = append(dirty, e.rec)
		}
	}
	return dirty
}

func (b *Backend) failed(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn.Phase != backend.ConnReconnecting && b.conn.Phase != backend.ConnUnresponsive {
		b.conn.Since = time.Now() // stale from now on
	}
	b.conn.Phase = backend.ConnReconnecting
	b.conn.Attempt++
	b.conn.Err = err
	b.conn.NextRetry = time.Time{}
}

func (b *Backend) succeeded(began time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := time.Now()
	if b.conn.Phase != backend.ConnLive {
		b.conn.Since = now
	}
	b.conn.Phase = backend.ConnLive
	b.conn.Attempt = 0
	// A store that cannot be written does not stop the list, but it is
	// said: sandboxes started now might be forgotten later.
	b.conn.Err = b.storeErr
	b.conn.Latency = now.Sub(began)
	b.conn.LastRefresh, b.conn.LastAnswer = now, now
	b.conn.NextRetry = time.Time{}
	b.listed = true
}

package remote

import (
	"context"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote/store"
)

// storeReloadEvery forces a reload of an apparently unchanged store.
const storeReloadEvery = time.Minute

// loadStore reads the store before the first refresh, so sandboxes the
// API forgot show up at once with their last known status.
func (b *Backend) loadStore(ctx context.Context) {
	b.refreshMu.Lock()
	defer b.refreshMu.Unlock()
	b.loadStoreLocked(ctx)
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.known {
		if e.rt == nil && !e.gone {
			e.settle(b.opts.Now(), b.opts.StartTimeout)
		}
	}
}

// loadStoreLocked merges the store's records when the file changed since
// the last load (another ohdash may have started or deleted sandboxes).
// The caller holds refreshMu.
func (b *Backend) loadStoreLocked(ctx context.Context) {
	st := b.opts.Store
	if st == nil {
		return
	}
	stamp, err := st.Stamp()
	// File times are only as fine as the kernel tick, so an unchanged stamp
	// is trusted for a while, not for ever.
	if err == nil && stamp == b.stamp && time.Since(b.loadedAt) < storeReloadEvery {
		return
	}
	recs, err := st.List(ctx, b.apiURL)
	// Before anything is forgotten for being absent from the file.
	b.checkEpoch()
	if err != nil {
		b.storeErr = fmt.Errorf("reading the sandbox store: %w", err)
		return
	}
	b.stamp, b.storeErr, b.loadedAt = stamp, nil, time.Now()
	stored := make(map[string]bool, len(recs))
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range recs {
		if plausibleID(r.ID) != nil {
			continue // written by an older ohdash that stored any id: never shown
		}
		stored[r.ID] = true
		if b.known[r.ID] != nil {
			continue
		}
		e := &entry{rec: r, savedSeen: r.LastSeen}
		if r.Status == string(backend.StatusMissing) {
			// Confirmed gone before: re-check at the slow cadence only, and
			// keep saying what was last known.
			e.settled, e.checkedAt = true, r.CheckedAt
			e.gone, e.goneDetail = true, r.StatusDetail
		}
		b.known[r.ID] = e
	}
	for id, e := range b.known {
		// Deleted by another ohdash: forget it too, unless the API still
		// lists it or this process has news not yet saved.
		if !stored[id] && !e.inList && !e.dirty {
			delete(b.known, id)
		}
	}
}

// save writes changed records in one transaction. A failure is kept for
// the connection state and the records stay dirty for the next refresh.
func (b *Backend) save(ctx context.Context, recs []store.Record) {
	st := b.opts.Store
	if st == nil || len(recs) == 0 {
		b.markSaved(recs)
		return
	}
	before, _ := st.Stamp()
	err := st.Put(ctx, recs...)
	b.checkEpoch()
	if err != nil {
		b.storeErr = fmt.Errorf("saving %d sandbox records: %w", len(recs), err)
		return
	}
	b.storeErr = nil
	if after, err := st.Stamp(); err == nil && before == b.stamp {
		// Nobody else wrote since the last load: no need to reload our own
		// write on the next refresh.
		b.stamp = after
	}
	b.markSaved(recs)
}

func (b *Backend) markSaved(recs []store.Record) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, r := range recs {
		if e := b.known[r.ID]; e != nil && e.rec.UpdatedAt.Equal(r.UpdatedAt) {
			e.dirty, e.savedSeen = false, r.LastSeen
		}
	}
}

// record writes one sandbox's record now (around lifecycle actions, where
// the write must happen before the call).
func (b *Backend) record(ctx context.Context, e *entry) error {
	b.mu.Lock()
	e.rec.UpdatedAt = b.opts.Now()
	rec := e.rec
	b.mu.Unlock()
	if b.opts.Store == nil {
		return nil
	}
	if err := b.opts.Store.Put(ctx, rec); err != nil {
		return err
	}
	b.markSaved([]store.Record{rec})
	return nil
}

// checkEpoch notices that the store file was found damaged and replaced by
// an empty one: everything known here is marked to be written again (what
// the runtime API still lists is thereby rebuilt), and the damage is noted
// for the next snapshot, to be shown once.
func (b *Backend) checkEpoch() {
	st := b.opts.Store
	ep := st.Epoch()
	if ep == b.storeEpoch {
		return
	}
	b.storeEpoch = ep
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, e := range b.known {
		e.dirty = true
	}
	if ds := st.Damages(); len(ds) > 0 {
		b.storeNote = fmt.Errorf("%s: %w", ds[len(ds)-1], store.ErrDamaged)
	}
}

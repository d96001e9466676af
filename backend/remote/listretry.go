package remote

import (
	"context"
	"fmt"
	"time"
)

// listApplied fetches /list and takes it in. /list's body is split by
// refresh, not decoded by the client, so a 200 whose JSON was cut short
// (a proxy or the API gave up half-way) is only found here; like any
// failed read it is fetched again, a bounded number of times. On success
// it returns with b.mu held, so the caller picks its checks from the very
// state the list left; on error b.mu is not held.
func (b *Backend) listApplied(ctx context.Context, now time.Time) (listErr error, err error) {
	for attempt := 1; ; attempt++ {
		body, err := b.api.list(ctx)
		if err != nil {
			return nil, err
		}
		b.mu.Lock()
		listErr, err = b.applyListLocked(body, now)
		if err == nil {
			return listErr, nil
		}
		b.mu.Unlock()
		if !truncatedJSON(body) || attempt >= b.api.attempts {
			if truncatedJSON(body) {
				err = fmt.Errorf("%w (answer cut short after %d bytes, %d attempts)", err, len(body), attempt)
			}
			return nil, err
		}
		t := time.NewTimer(jittered(b.api.retry, attempt))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, err
		case <-t.C:
		}
	}
}

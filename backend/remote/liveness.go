package remote

import (
	"context"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// refreshWatched runs one refresh for a Watch loop. A refresh waits for
// the API for as long as a request may take (RequestTimeout, and retries),
// which is far too long to go on saying "live": if it has not come back
// within backend.AnswerDeadline, the state turns to ConnUnresponsive ("not
// answering for Ns") and a snapshot says so at once, with the last-good
// rows. The refresh's own outcome then decides: live again (it was a full
// /list), or reconnecting.
func (b *Backend) refreshWatched(ctx context.Context, ch chan backend.Snapshot) error {
	began := time.Now()
	done := make(chan error, 1)
	go func() { done <- b.refresh(ctx) }()
	t := time.NewTimer(backend.AnswerDeadline)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-t.C:
			if b.notAnswering(began) {
				backend.SendLatest(ch, b.snapshot())
			}
		}
	}
}

// notAnswering marks the connection as not answering since began (or
// since it went stale, when it already was); false when it already says so.
func (b *Backend) notAnswering(began time.Time) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	switch b.conn.Phase {
	case backend.ConnUnresponsive, backend.ConnClosed:
		return false
	case backend.ConnReconnecting:
		began = b.conn.Since
	}
	b.conn.Phase, b.conn.Since, b.conn.NextRetry = backend.ConnUnresponsive, began, time.Time{}
	return true
}

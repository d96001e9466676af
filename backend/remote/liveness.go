package remote

import (
	"time"

	"github.com/ohdash/ohdash/backend"
)

// poll is the Watch loop's policy: refresh, back off on any failure, and
// say "not answering" once a refresh outlasts backend.AnswerDeadline (a
// refresh waits for as long as a request may take, RequestTimeout and
// retries, far too long to go on saying "live").
func (b *Backend) poll() backend.Poll {
	return backend.Poll{
		Interval: b.opts.PollInterval, MaxBackoff: b.opts.MaxBackoff,
		Refresh: b.refresh, Silent: b.notAnswering, Retry: b.retryAt,
		Snapshot: b.snapshot, Kick: b.kick,
	}
}

// retryAt records when the next attempt after a failure happens.
func (b *Backend) retryAt(at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.conn.NextRetry = at
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

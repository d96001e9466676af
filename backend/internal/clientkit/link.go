package clientkit

import (
	"context"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Link keeps a stream's connection state for its consumer: connecting,
// live, reconnecting (stale since the moment it was lost, next try at a
// backoff delay), or closed with a reason. One goroutine drives it.
type Link struct {
	box    *Outbox
	bo     *backend.Backoff
	live   bool
	lostAt time.Time
}

// NewLink starts a link in the connecting phase.
func NewLink(box *Outbox, bo *backend.Backoff) *Link {
	l := &Link{box: box, bo: bo}
	box.Update(func(u *backend.EventUpdate) {
		u.Conn = backend.ConnState{Phase: backend.ConnConnecting, Since: time.Now()}
	})
	return l
}

// Silent reports a connection that is open but has not answered since
// last: a live link becomes unresponsive (other phases are left alone, so
// repeats cost nothing). Unlike the other methods it may be called from
// any goroutine: it touches only the outbox.
func (l *Link) Silent(last time.Time) {
	l.box.UpdateIf(func(u *backend.EventUpdate) bool {
		if u.Conn.Phase != backend.ConnLive {
			return false
		}
		u.Conn.Phase, u.Conn.Since, u.Conn.LastAnswer = backend.ConnUnresponsive, last, last
		return true
	})
}

// Answered reports the first answer after Silent: an unresponsive link is
// live again. Any goroutine may call it.
func (l *Link) Answered(at time.Time) {
	l.box.UpdateIf(func(u *backend.EventUpdate) bool {
		if u.Conn.Phase != backend.ConnUnresponsive {
			return false
		}
		u.Conn.Phase, u.Conn.Since, u.Conn.LastAnswer, u.Conn.LastRefresh = backend.ConnLive, at, at, at
		return true
	})
}

// Up marks the link live and resets the backoff; it does nothing when the
// link is live already.
func (l *Link) Up() {
	if l.live {
		return
	}
	l.live = true
	l.bo.Reset()
	now := time.Now()
	l.box.Update(func(u *backend.EventUpdate) {
		u.Conn = backend.ConnState{Phase: backend.ConnLive, Since: now, LastRefresh: now, LastAnswer: now}
	})
}

// Down records a failure and returns how long to wait before retrying.
func (l *Link) Down(err error) time.Duration {
	now := time.Now()
	wasLive := l.live || l.lostAt.IsZero()
	l.live = false
	wait := l.bo.Next()
	attempt := l.bo.Attempt()
	l.box.Update(func(u *backend.EventUpdate) {
		if wasLive {
			// Stale since the loss, or since the last answer when the
			// connection had stopped answering before it was dropped.
			l.lostAt = now
			if u.Conn.Phase == backend.ConnUnresponsive && !u.Conn.LastAnswer.IsZero() {
				l.lostAt = u.Conn.LastAnswer
			}
		}
		u.Conn.Phase, u.Conn.Since, u.Conn.NextRetry = backend.ConnReconnecting, l.lostAt, now.Add(wait)
		u.Conn.Attempt, u.Conn.Err = attempt, err
	})
	return wait
}

// Close ends the link for good, saying why.
func (l *Link) Close(err error) {
	l.live = false
	l.box.Update(func(u *backend.EventUpdate) {
		u.Conn.Phase, u.Conn.Since, u.Conn.Err, u.Conn.NextRetry = backend.ConnClosed, time.Now(), err, time.Time{}
	})
}

// Sleep waits d or until ctx ends; false means ctx ended.
func Sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

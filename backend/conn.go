package backend

import (
	"fmt"
	"time"
)

// ConnPhase is where a connection (a backend, a stream) stands.
type ConnPhase int

// Connection phases.
const (
	// ConnConnecting: the first attempt is under way; nothing is known yet.
	ConnConnecting ConnPhase = iota
	// ConnLive: connected; data is current.
	ConnLive
	// ConnReconnecting: the connection was lost or refused; a retry is
	// scheduled at NextRetry and the data shown is stale since Since.
	ConnReconnecting
	// ConnClosed: given up for good (Err says why); no retry will follow.
	ConnClosed
	// ConnUnresponsive: the connection is open but nothing has answered
	// since LastAnswer (a frozen engine, a hung API): the data shown may be
	// stale, and the backend keeps asking. Listed last so the values of the
	// other phases do not change.
	ConnUnresponsive
)

// AnswerDeadline is how long a request (a ping, a list) may go unanswered
// before its connection is reported as not answering. Long enough for a
// busy engine or API to answer a cheap request, short enough that a frozen
// connection shows within a few seconds.
const AnswerDeadline = 2 * time.Second

// String names the phase.
func (p ConnPhase) String() string {
	switch p {
	case ConnLive:
		return "live"
	case ConnReconnecting:
		return "reconnecting"
	case ConnClosed:
		return "closed"
	case ConnUnresponsive:
		return "unresponsive"
	default:
		return "connecting"
	}
}

// ConnState describes a connection so the UI can say exactly what it knows:
// live, reconnecting in Ns, stale since T, or closed and why.
type ConnState struct {
	Phase ConnPhase
	// Since is when the phase began: live since, or stale since (the moment
	// the connection was lost).
	Since time.Time
	// NextRetry is when the next attempt happens (ConnReconnecting only).
	NextRetry time.Time
	// Attempt counts consecutive failed attempts.
	Attempt int
	// Err is the last error, kept for display.
	Err error
	// Latency is the duration of the last successful round trip, if measured.
	Latency time.Duration
	// LastRefresh is when data last arrived successfully.
	LastRefresh time.Time
	// LastAnswer is when the other side last proved it answers (a ping, an
	// event, a list); zero before the first answer. ConnUnresponsive counts
	// from it.
	LastAnswer time.Time
}

// Silence is how long the other side has not answered, for
// ConnUnresponsive: measured from LastAnswer, or from Since before any
// answer.
func (c ConnState) Silence(now time.Time) time.Duration {
	from := c.LastAnswer
	if from.IsZero() {
		from = c.Since
	}
	if from.IsZero() || now.Before(from) {
		return 0
	}
	return now.Sub(from).Truncate(time.Second)
}

// Describe renders the state for a status bar, relative to now:
// "live", "reconnecting in 4s", "not answering for 6s", "closed: reason".
func (c ConnState) Describe(now time.Time) string {
	switch c.Phase {
	case ConnLive:
		return "live"
	case ConnReconnecting:
		wait := c.NextRetry.Sub(now).Round(time.Second)
		if wait < 0 {
			wait = 0
		}
		if wait == 0 {
			return "reconnecting…"
		}
		return fmt.Sprintf("reconnecting in %s", wait)
	case ConnUnresponsive:
		return fmt.Sprintf("not answering for %s", c.Silence(now))
	case ConnClosed:
		if c.Err != nil {
			return "closed: " + c.Err.Error()
		}
		return "closed"
	default:
		return "connecting…"
	}
}

// Stale reports whether the data behind this connection may be out of date.
func (c ConnState) Stale() bool { return c.Phase != ConnLive }

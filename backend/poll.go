package backend

import (
	"context"
	"time"
)

// Poll is the Watch loop of a backend that polls an API (the runtime API,
// an app-server): refresh every Interval, sooner when Kick fires (after
// an action), send a snapshot after each, back off while refreshes fail,
// and say "not answering" as soon as a refresh outlasts AnswerDeadline
// instead of waiting for its request timeout. It returns when ctx is done.
type Poll struct {
	// Interval is the time between refreshes; MaxBackoff caps the wait
	// after failures (which starts at min(1 s, Interval), with jitter).
	Interval, MaxBackoff time.Duration
	// Refresh asks the API once and updates the backend's state.
	Refresh func(ctx context.Context) error
	// Failed tells a failed refresh (backed off) from one that only
	// answered in part; nil: every error is a failure.
	Failed func(error) bool
	// Silent marks the connection as not answering since began (a refresh
	// outlived AnswerDeadline); false when it said so already.
	Silent func(began time.Time) bool
	// Retry records when the next attempt after a failure happens.
	Retry func(at time.Time)
	// Snapshot renders the backend's state; Kick asks for a refresh now.
	Snapshot func() Snapshot
	Kick     <-chan struct{}
}

// Run runs the loop, sending to ch (newest snapshot wins, see SendLatest).
func (p Poll) Run(ctx context.Context, ch chan Snapshot) {
	bo := &Backoff{Min: min(time.Second, p.Interval), Max: p.MaxBackoff, Jitter: 0.2}
	for {
		err := p.watched(ctx, ch)
		if ctx.Err() != nil {
			return
		}
		wait := p.Interval
		if err != nil && (p.Failed == nil || p.Failed(err)) {
			wait = bo.Next()
			p.Retry(time.Now().Add(wait))
		} else {
			bo.Reset()
		}
		SendLatest(ch, p.Snapshot())
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-p.Kick:
			t.Stop()
		case <-t.C:
		}
	}
}

// watched runs one refresh; past AnswerDeadline it marks the connection
// as not answering and sends a snapshot at once, with the last-good rows.
// The refresh's own outcome then decides what follows.
func (p Poll) watched(ctx context.Context, ch chan Snapshot) error {
	began := time.Now()
	done := make(chan error, 1)
	go func() { done <- p.Refresh(ctx) }()
	t := time.NewTimer(AnswerDeadline)
	defer t.Stop()
	for {
		select {
		case err := <-done:
			return err
		case <-t.C:
			if p.Silent(began) {
				SendLatest(ch, p.Snapshot())
			}
		}
	}
}

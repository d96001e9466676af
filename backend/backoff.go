package backend

import (
	"math/rand/v2"
	"time"
)

// Backoff computes reconnect delays: exponential from Min to Max with
// jitter, so a fleet of dashboards does not retry in lock step. The zero
// value is not useful; use NewBackoff.
type Backoff struct {
	Min, Max time.Duration
	// Jitter is the fraction of each delay that is randomised (0 to 1).
	Jitter  float64
	attempt int
}

// NewBackoff returns the standard policy: 1 s doubling to 30 s, 20% jitter.
func NewBackoff() *Backoff {
	return &Backoff{Min: time.Second, Max: 30 * time.Second, Jitter: 0.2}
}

// Next returns the delay before the next attempt and counts the attempt.
func (b *Backoff) Next() time.Duration {
	d := b.Min
	for i := 0; i < b.attempt && d < b.Max; i++ {
		d *= 2
	}
	if d > b.Max {
		d = b.Max
	}
	b.attempt++
	if b.Jitter > 0 {
		// Spread the delay over [d*(1-j), d]: never longer than Max.
		span := float64(d) * b.Jitter
		d -= time.Duration(rand.Float64() * span)
	}
	return d
}

// Attempt is the number of delays handed out since the last Reset.
func (b *Backoff) Attempt() int { return b.attempt }

// Reset starts over from Min after a success.
func (b *Backoff) Reset() { b.attempt = 0 }

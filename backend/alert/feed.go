package alert

import (
	"context"
	"sync/atomic"
)

// Item is one thing a Feed delivers to a terminal program: an alert for
// its list of recent alerts, or an escape sequence to write.
type Item struct {
	Alert Alert
	// Seq, when set, is bytes for the terminal (a bell, a notification).
	Seq string
}

// Feed carries alerts and terminal sequences from the dispatcher's
// goroutines to a program that owns the terminal (the dashboard), which
// reads C. It is bounded: when the program falls this far behind, items
// are dropped and counted, never queued without end.
type Feed struct {
	ch      chan Item
	dropped atomic.Int64
}

// NewFeed returns a feed holding up to n items.
func NewFeed(n int) *Feed { return &Feed{ch: make(chan Item, max(1, n))} }

// C delivers the items.
func (f *Feed) C() <-chan Item { return f.ch }

// Dropped counts the items lost to a program that fell behind.
func (f *Feed) Dropped() int64 { return f.dropped.Load() }

func (f *Feed) put(it Item) {
	select {
	case f.ch <- it:
	default:
		f.dropped.Add(1)
	}
}

// Write queues a terminal sequence: the Write of a Terminal channel.
func (f *Feed) Write(seq string) { f.put(Item{Seq: seq}) }

// List is the channel that feeds the program's list of recent alerts. The
// rate limit does not apply to it: the list is bounded, and shows what
// the other channels held back.
func (f *Feed) List() Channel { return listChannel{f} }

type listChannel struct{ f *Feed }

func (listChannel) Name() string    { return "list" }
func (listChannel) Unlimited() bool { return true }
func (l listChannel) Send(_ context.Context, a Alert) error {
	l.f.put(Item{Alert: a})
	return nil
}

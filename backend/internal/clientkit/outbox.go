package clientkit

import (
	"context"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Outbox hands a stream's updates to its consumer. The producer never
// waits for the consumer to read state (connection phase, status, typing
// text are overwritten in place); it waits only when maxPending events are
// queued, which pushes back on the websocket (TCP flow control) instead of
// growing memory. A fast consumer gets each change at once; a slow one
// gets them batched.
type Outbox struct {
	mu   sync.Mutex
	cur  backend.EventUpdate
	news bool // cur holds something the consumer has not seen

	wake chan struct{} // cap 1: something to deliver
	room chan struct{} // cap 1: the consumer took the queued events
	max  int
}

// NewOutbox returns an outbox that holds at most maxPending events.
func NewOutbox(maxPending int) *Outbox {
	return &Outbox{wake: make(chan struct{}, 1), room: make(chan struct{}, 1), max: maxPending}
}

func signal(ch chan struct{}) {
	select {
	case ch <- struct{}{}:
	default:
	}
}

// Update changes the stream state.
func (o *Outbox) Update(f func(*backend.EventUpdate)) {
	o.mu.Lock()
	f(&o.cur)
	o.news = true
	o.mu.Unlock()
	signal(o.wake)
}

// UpdateIf changes the stream state when f reports a change; a state
// left as it was is not delivered again.
func (o *Outbox) UpdateIf(f func(*backend.EventUpdate) bool) {
	o.mu.Lock()
	changed := f(&o.cur)
	o.news = o.news || changed
	o.mu.Unlock()
	if changed {
		signal(o.wake)
	}
}

// Push queues new events (backFilled of them recovered after a reconnect),
// waiting while the queue is full. It fails only when ctx ends.
func (o *Outbox) Push(ctx context.Context, evs []backend.Event, backFilled int) error {
	for {
		o.mu.Lock()
		if len(o.cur.Events) < o.max || len(o.cur.Events) == 0 {
			o.cur.Events = append(o.cur.Events, evs...)
			o.cur.BackFilled += backFilled
			now := time.Now()
			o.cur.Conn.LastRefresh, o.cur.Conn.LastAnswer = now, now
			o.news = true
			o.mu.Unlock()
			signal(o.wake)
			return nil
		}
		o.mu.Unlock()
		select {
		case <-o.room:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// take returns what the consumer has not seen and resets the queue.
func (o *Outbox) take() (backend.EventUpdate, bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if !o.news {
		return backend.EventUpdate{}, false
	}
	u := o.cur
	o.cur.Events, o.cur.BackFilled, o.news = nil, 0, false
	signal(o.room)
	return u, true
}

// Deliver sends updates to out until the producer is done (then it
// flushes what is left) or ctx ends. It closes out only after the producer
// has returned, so a closed channel means the whole stream is released.
func (o *Outbox) Deliver(ctx context.Context, out chan<- backend.EventUpdate, producerDone <-chan struct{}) {
	defer close(out)
	defer func() { <-producerDone }()
	for {
		select {
		case <-ctx.Done():
			return
		case <-o.wake:
		case <-producerDone:
			if u, ok := o.take(); ok {
				select {
				case out <- u:
				case <-ctx.Done():
				}
			}
			return
		}
		for {
			u, ok := o.take()
			if !ok {
				break
			}
			select {
			case out <- u:
			case <-ctx.Done():
				return
			}
		}
	}
}

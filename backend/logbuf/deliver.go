package logbuf

import (
	"context"
	"time"
)

// deliver is the pipeline's delivery goroutine: it wakes when lines arrive
// or the state changes, waits out the rest of the flush interval so that
// everything pending goes into one batch, and sends it. A lossless pipeline
// paces by a short linger only, and waits for the consumer to take each
// batch as long as it takes (Feed waits meanwhile).
func (p *Pipeline) deliver(ctx context.Context) {
	defer close(p.out)
	defer p.markStopped()
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	var last time.Time
	var sentDropped, sentVersion uint64
	for {
		select {
		case <-ctx.Done():
			p.abandon(ctx.Err())
			return
		case <-p.ring.Ready():
		case <-p.wake:
		}
		if !p.pace(ctx, timer, last) {
			p.abandon(ctx.Err())
			return
		}
		b, version, closing := p.collect()
		if closing {
			select {
			case p.out <- b:
			case <-ctx.Done():
			}
			return
		}
		if len(b.Lines) == 0 && b.Dropped == sentDropped && version == sentVersion {
			continue
		}
		if p.opts.Lossless {
			select {
			case p.out <- b:
			case <-ctx.Done():
				return
			}
		} else {
			// Never blocks: this goroutine is the only sender and out is empty.
			p.out <- b
		}
		last, sentDropped, sentVersion = time.Now(), b.Dropped, version
	}
}

// losslessLinger is the shortest time between two batches of a lossless
// pipeline.
const losslessLinger = 2 * time.Millisecond

// pace waits until a batch may be sent: a flush interval after the last
// one, and once the consumer has taken it. While the consumer has not, new
// lines stay in the ring, where its caps bound them and drops are counted.
// After Close it does not wait: the final batch goes out at once.
func (p *Pipeline) pace(ctx context.Context, timer *time.Timer, last time.Time) bool {
	if p.isClosing() {
		return true
	}
	if p.opts.Lossless {
		// Only a linger: lines that pour in go out in batches rather than
		// a wake-up of this goroutine and the consumer per read (which
		// costs more than the lines), and the send below waits for the
		// consumer anyway. A trickle still goes out at once.
		return p.sleep(ctx, timer, time.Until(last.Add(losslessLinger)))
	}
	if !p.sleep(ctx, timer, time.Until(last.Add(p.opts.FlushInterval))) {
		return false
	}
	for len(p.out) > 0 && !p.isClosing() {
		if !p.sleep(ctx, timer, p.opts.FlushInterval) {
			return false
		}
	}
	return true
}

// collect drains the ring into a batch carrying the current state; after
// Close it is the final batch.
func (p *Pipeline) collect() (b Batch, version uint64, closing bool) {
	lines, dropped := p.ring.Drain()
	p.mu.Lock()
	defer p.mu.Unlock()
	b = Batch{Lines: lines, Dropped: dropped, State: p.state, Err: p.err}
	if p.closing {
		b.State, b.Err = Ended, p.closeErr
	}
	return b, p.version, p.closing
}

// abandon runs when the pipeline's context is done: the consumer is most
// likely gone, so the final batch is offered only if there is room.
func (p *Pipeline) abandon(err error) {
	b, _, _ := p.collect()
	b.State = Ended
	if b.Err == nil {
		b.Err = err
	}
	select {
	case p.out <- b:
	default:
	}
}

func (p *Pipeline) markStopped() {
	p.mu.Lock()
	p.stopped = true
	p.mu.Unlock()
	close(p.done)
}

func (p *Pipeline) isClosing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closing
}

// sleep waits for d on timer, or less if Close is called meanwhile; it
// returns false if ctx ended first.
func (p *Pipeline) sleep(ctx context.Context, timer *time.Timer, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer.Reset(d)
	select {
	case <-ctx.Done():
		timer.Stop()
		return false
	case <-p.closed:
		timer.Stop()
		return true
	case <-timer.C:
		return true
	}
}

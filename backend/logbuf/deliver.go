package logbuf

import (
	"context"
	"time"
)

// deliver is the pipeline's delivery goroutine: it wakes when lines arrive
// or the state changes, waits out the rest of the flush interval so that
// everything pending goes into one batch, and sends it.
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
		if !sleep(ctx, timer, time.Until(last.Add(p.opts.FlushInterval))) {
			p.abandon(ctx.Err())
			return
		}
		// While the consumer has not taken the previous batch, new lines
		// stay in the ring, where its caps bound them and drops are counted.
		for len(p.out) > 0 && !p.isClosing() {
			if !sleep(ctx, timer, p.opts.FlushInterval) {
				p.abandon(ctx.Err())
				return
			}
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
		// Never blocks: this goroutine is the only sender and out is empty.
		p.out <- b
		last, sentDropped, sentVersion = time.Now(), b.Dropped, version
	}
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
}

func (p *Pipeline) isClosing() bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.closing
}

// sleep waits for d on timer; it returns false if ctx ended first.
func sleep(ctx context.Context, timer *time.Timer, d time.Duration) bool {
	if d <= 0 {
		return ctx.Err() == nil
	}
	timer.Reset(d)
	select {
	case <-ctx.Done():
		timer.Stop()
		return false
	case <-timer.C:
		return true
	}
}

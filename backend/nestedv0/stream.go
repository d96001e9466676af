package nestedv0

import (
	"context"
	"errors"
	"net/url"
	"strconv"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// StreamEvents follows the conversation by polling GET …/events from the
// next id every PollInterval (V0 event ids are consecutive integers, so
// nothing can be missed or repeated). Poll failures show as reconnecting
// with backoff; a refused key or a vanished conversation closes the stream.
func (c *Client) StreamEvents(ctx context.Context, opts backend.StreamOptions) <-chan backend.EventUpdate {
	out := make(chan backend.EventUpdate)
	p := &poller{c: c, opts: opts, box: clientkit.NewOutbox(4096)}
	done := make(chan struct{})
	go p.box.Deliver(ctx, out, done)
	go func() {
		defer close(done)
		p.run(ctx)
	}()
	return out
}

type poller struct {
	c       *Client
	opts    backend.StreamOptions
	box     *clientkit.Outbox
	next    int64 // the id to ask for next; -1 until the start is known
	started bool
	skipped int
}

func (p *poller) run(ctx context.Context) {
	link := clientkit.NewLink(p.box, p.c.opts.NewBackoff())
	if conv, err := p.c.Conversation(ctx); err == nil {
		p.box.Update(func(u *backend.EventUpdate) { u.Status = conv.Status })
	}
	for {
		err := p.poll(ctx)
		wait := p.c.opts.PollInterval
		switch {
		case ctx.Err() != nil:
			return
		case errors.Is(err, backend.ErrUnauthorized) || errors.Is(err, backend.ErrNotFound):
			link.Close(err)
			return
		case err != nil:
			wait = link.Down(err)
		default:
			link.Up()
		}
		if !clientkit.Sleep(ctx, wait) {
			return
		}
	}
}

// poll fetches everything new, page by page.
func (p *poller) poll(ctx context.Context) error {
	if !p.started {
		if err := p.start(ctx); err != nil {
			return err
		}
	}
	for {
		q := url.Values{"start_id": {strconv.FormatInt(p.next, 10)}, "limit": {strconv.Itoa(maxLimit)}}
		pg, err := p.c.page(ctx, q, rawCapFor(p.opts.Raw))
		if err != nil {
			return err
		}
		if err := p.deliver(ctx, pg); err != nil {
			return err
		}
		if !pg.hasMore || len(pg.events) == 0 {
			return nil
		}
	}
}

// start loads the tail (or nothing: the first poll then reads from id 0).
func (p *poller) start(ctx context.Context) error {
	if p.opts.Tail <= 0 {
		p.started = true
		return nil
	}
	var chunks []page
	before := backend.Event{}
	for remaining := p.opts.Tail; remaining > 0; {
		pg, err := p.c.before(ctx, backend.PageQuery{Before: before, Limit: min(remaining, maxLimit), Raw: p.opts.Raw})
		if err != nil {
			return err
		}
		if len(pg.events) == 0 {
			break
		}
		chunks = append(chunks, pg)
		remaining -= len(pg.events)
		before = pg.events[0].ev
		if !pg.hasMore {
			break
		}
	}
	p.started = true
	for i := len(chunks) - 1; i >= 0; i-- {
		if err := p.deliver(ctx, chunks[i]); err != nil {
			return err
		}
	}
	return nil
}

// deliver hands over the events past p.next, in id order.
func (p *poller) deliver(ctx context.Context, pg page) error {
	var batch []backend.Event
	status := backend.ExecutionStatus("")
	for _, d := range pg.events {
		if d.id < p.next {
			continue
		}
		p.next = d.id + 1
		batch = append(batch, d.ev)
		if d.agentState != "" {
			status = statusOf("", d.agentState)
		}
	}
	if pg.skipped > 0 || status != "" {
		p.skipped += pg.skipped
		n := p.skipped
		p.box.Update(func(u *backend.EventUpdate) {
			u.Skipped = n
			if status != "" {
				u.Status = status
			}
		})
	}
	if len(batch) == 0 {
		return nil
	}
	return p.box.Push(ctx, batch, 0)
}

package agentserver

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/ohdash/ohdash/backend"
)

// errDescIgnored: a descending page was not what was asked for (events not
// older than the boundary, not newest first, or seen already), so the
// server ignores sort_order or timestamp__lt.
var errDescIgnored = errors.New("the agent-server ignores sort_order or timestamp__lt")

// errStop ends a forward walk early; it never leaves this file.
var errStop = errors.New("stop")

// newest returns up to n stored events older than before (the zero Event:
// the newest n), oldest first, and whether older ones remain.
//
// It asks for them newest first (sort_order=TIMESTAMP_DESC with
// timestamp__lt), checking that each page really is older than the last.
// A server that ignores either parameter answers other events, and would
// make a caller that pages back loop for ever; once one is caught, this
// client reads the same events by paging forward from the start and
// keeping the last n in a ring: slower, but bounded in memory and sure to
// end.
func (c *Client) newest(ctx context.Context, id string, before backend.Event, n int, raw bool) (decodedPage, error) {
	if n <= 0 {
		return decodedPage{}, nil
	}
	if !c.descIgnored.Load() {
		p, err := c.newestDesc(ctx, id, before, n, raw)
		if !errors.Is(err, errDescIgnored) {
			return p, err
		}
		c.descIgnored.Store(true)
	}
	return c.newestForward(ctx, id, before, n, raw)
}

// newestDesc pages back with descending searches, n events at most.
func (c *Client) newestDesc(ctx context.Context, id string, before backend.Event, n int, raw bool) (decodedPage, error) {
	var chunks [][]decoded // newest chunk first
	seen := map[string]bool{}
	if before.ID != "" {
		seen[before.ID] = true
	}
	more := true
	for remaining := n; remaining > 0 && more; {
		p, err := c.descPage(ctx, id, backend.PageQuery{Before: before, Limit: min(remaining, maxLimit), Raw: raw})
		if err != nil {
			return decodedPage{}, err
		}
		if err := checkOlder(p.events, before, seen); err != nil {
			return decodedPage{}, err
		}
		if len(p.events) == 0 {
			more = false
			break
		}
		chunks = append(chunks, p.events)
		remaining -= len(p.events)
		before = p.events[0].ev
		more = p.more
	}
	var out []decoded
	for _, ch := range slices.Backward(chunks) {
		out = append(out, ch...)
	}
	return decodedPage{events: out, more: more}, nil
}

// checkOlder verifies a page that should hold, oldest first, events older
// than before that were not seen yet. Timestamps compare as strings (the
// server compares them so); ties are allowed, since timestamps are only
// microsecond-precise.
func checkOlder(page []decoded, before backend.Event, seen map[string]bool) error {
	for i, d := range page {
		ts := d.ev.Timestamp
		switch {
		case seen[d.ev.ID]:
			return fmt.Errorf("event %s came back: %w", sanitizeLine(d.ev.ID, 40), errDescIgnored)
		case before.ID != "" && ts > before.Timestamp:
			return fmt.Errorf("an event newer than the boundary: %w", errDescIgnored)
		case i > 0 && ts < page[i-1].ev.Timestamp:
			return fmt.Errorf("events out of order: %w", errDescIgnored)
		}
		seen[d.ev.ID] = true
	}
	return nil
}

// newestForward pages forward from the start and keeps the last n events
// before the boundary in a ring.
func (c *Client) newestForward(ctx context.Context, id string, before backend.Event, n int, raw bool) (decodedPage, error) {
	ring := make([]decoded, 0, min(n, 4*maxLimit))
	start, dropped := 0, false
	err := c.forward(ctx, id, EventQuery{Raw: raw}, func(page []decoded, _ int) error {
		for _, d := range page {
			if before.ID != "" && (d.ev.ID == before.ID || d.ev.Timestamp > before.Timestamp) {
				return errStop
			}
			if len(ring) < n {
				ring = append(ring, d)
				continue
			}
			ring[start] = d
			start = (start + 1) % n
			dropped = true
		}
		return nil
	})
	if err != nil && !errors.Is(err, errStop) {
		return decodedPage{}, err
	}
	out := append(ring[start:len(ring):len(ring)], ring[:start]...)
	return decodedPage{events: out, more: dropped}, nil
}

package convroute

import (
	"context"
	"fmt"
	"slices"
	"strconv"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/agentserver"
)

var _ backend.EventHistory = (*Router)(nil)

// History reads a conversation's stored events, page by page in log order
// (the newest q.Tail only, when set). Agent-server history is paged
// forward with page_id and printed as it comes; see agentserver.History.
func (r *Router) History(ctx context.Context, sb backend.Sandbox, id string, q backend.HistoryQuery, fn func([]backend.Event) error) error {
	return r.act(sb, id, func(e *entry) error {
		if q.Tail > 0 {
			evs, err := e.v1.Newest(ctx, id, q.Tail, q.Raw)
			if err != nil || len(evs) == 0 {
				return err
			}
			return fn(evs)
		}
		return e.v1.History(ctx, id, q.Raw, fn)
	}, func(e *entry) error {
		if q.Tail > 0 {
			return v0Tail(ctx, e, q, fn)
		}
		return v0History(ctx, e, q.Raw, fn)
	})
}

// v0History pages a V0 conversation forward by event id; ids must grow
// from page to page, or the server is not paging and the walk stops.
func v0History(ctx context.Context, e *entry, raw bool, fn func([]backend.Event) error) error {
	next := int64(0)
	for {
		evs, more, err := e.v0.EventsAfter(ctx, next, 100, raw)
		if err != nil {
			return err
		}
		if len(evs) > 0 {
			last, err := strconv.ParseInt(evs[len(evs)-1].ID, 10, 64)
			if err != nil || last < next {
				return fmt.Errorf("V0 events from %d: the server answered older events: %w", next, agentserver.ErrPagingIgnored)
			}
			if err := fn(evs); err != nil {
				return err
			}
			next = last + 1
		}
		if !more || len(evs) == 0 {
			return nil
		}
	}
}

// v0Tail reads the newest q.Tail events of a V0 conversation, paging back
// by id; a page that is not older than the last stops the walk.
func v0Tail(ctx context.Context, e *entry, q backend.HistoryQuery, fn func([]backend.Event) error) error {
	var chunks [][]backend.Event // newest first
	var before backend.Event
	for remaining := q.Tail; remaining > 0; {
		p, err := e.v0.EventsBefore(ctx, backend.PageQuery{Before: before, Limit: min(remaining, 100), Raw: q.Raw})
		if err != nil {
			return err
		}
		if len(p.Events) == 0 {
			break
		}
		if before.ID != "" {
			b, _ := strconv.ParseInt(before.ID, 10, 64)
			if last, err := strconv.ParseInt(p.Events[len(p.Events)-1].ID, 10, 64); err != nil || last >= b {
				return fmt.Errorf("V0 events before %d: the server answered newer events: %w", b, agentserver.ErrPagingIgnored)
			}
		}
		if len(p.Events) > remaining {
			p.Events = p.Events[len(p.Events)-remaining:]
		}
		chunks = append(chunks, p.Events)
		remaining -= len(p.Events)
		before = p.Events[0]
		if !p.More {
			break
		}
	}
	var out []backend.Event
	for _, ch := range slices.Backward(chunks) {
		out = append(out, ch...)
	}
	if len(out) == 0 {
		return nil
	}
	return fn(out)
}

package agentserver

import (
	"context"
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

// ErrPagingIgnored: the server answered a paged search as if it had not
// been given the paging parameter (the same page again, or no new
// events), so the search cannot continue. It wraps ErrBadResponse.
var ErrPagingIgnored = fmt.Errorf("the agent-server ignores the search's paging parameters: %w", ErrBadResponse)

// forward pages through an event search in log order with page_id, handing
// each page to fn as it arrives, so memory is bounded by one page whatever
// the length of the conversation.
//
// Some servers ignore query parameters they do not know. page_id is as old
// as the route, but a server (or a proxy) that drops it answers the first
// page again and again: forward notices a page with no event it has not
// just delivered, or a next_page_id it has followed before, and falls back
// to paging by timestamp (timestamp__gte from the last timestamp
// delivered, skipping what was delivered at it). A server whose
// next_page_id leads back to an earlier page (a cycle: a page that starts
// where an earlier one did, or older than the previous page) is treated
// the same way, so no event is delivered twice. When that makes no
// progress either (the server ignores timestamp__gte too), the search ends
// with ErrPagingIgnored instead of looping.
func (c *Client) forward(ctx context.Context, id string, q EventQuery, fn func(page []decoded, skipped int) error) error {
	w := walkState{followed: map[string]bool{}}
	for {
		var page []decoded
		next, skipped, err := c.searchPage(ctx, id, q, func(d decoded) { page = append(page, d) })
		if err != nil {
			return err
		}
		// A page that starts before the previous one went back: its
		// events were delivered already (the log is in timestamp order).
		jumped := !w.byTime && w.wentBack(page)
		if jumped {
			w.byTime = true
		}
		if len(page) > 0 {
			// A next_page_id equal to where a page started is a cycle.
			w.followed[page[0].ev.ID] = true
		}
		fresh := w.fresh(page)
		if len(fresh) > 0 || skipped > 0 {
			w.take(fresh)
			if err := fn(fresh, skipped); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		// Unreadable items are progress by page_id, but not by
		// timestamp: their timestamps are unknown, so the bound stays.
		stuck := len(fresh) == 0 && (skipped == 0 || w.byTime)
		switch {
		case jumped:
			// Go on from the newest event delivered, by timestamp.
		case w.byTime && stuck:
			return fmt.Errorf("search events: no new events after %d pages: %w", w.pages, ErrPagingIgnored)
		case !w.byTime && (stuck || w.followed[next]):
			// page_id did not move the search: the same page again.
			if w.last == "" {
				return fmt.Errorf("search events: the same page again after %d pages: %w", w.pages, ErrPagingIgnored)
			}
			w.byTime = true
		case !w.byTime:
			w.followed[next] = true
			q.PageID = next
			continue
		}
		q.PageID, q.Since = "", w.last
	}
}

// walkState is what forward remembers between pages: the ids of the last
// page (a server that ignores page_id repeats them), the ids delivered at
// the newest timestamp (the overlap of a timestamp__gte page), and the
// page ids followed (a few dozen bytes a page).
type walkState struct {
	prev   map[string]bool
	atLast map[string]bool
	// prevFirst is the timestamp the last page delivered started at.
	prevFirst string
	last      string
	followed  map[string]bool
	byTime    bool
	pages     int
}

// fresh drops the events of page that were delivered already. Paging by
// page_id, that is whatever the previous page held; paging by timestamp,
// everything older than the last timestamp delivered and what was
// delivered at it (the log is in timestamp order).
func (w *walkState) fresh(page []decoded) []decoded {
	out := page[:0:0]
	for _, d := range page {
		ts := d.ev.Timestamp
		switch {
		case w.prev[d.ev.ID]:
			continue
		case w.byTime && (ts < w.last || (ts == w.last && w.atLast[d.ev.ID])):
			continue
		}
		out = append(out, d)
	}
	return out
}

// wentBack reports whether page, asked for by page_id, starts with an
// event older than the previous page's first one that the previous page
// did not hold: the server led the search back to an earlier page.
func (w *walkState) wentBack(page []decoded) bool {
	if len(page) == 0 || w.pages == 0 || w.last == "" {
		return false
	}
	first := page[0].ev
	return !w.prev[first.ID] && first.Timestamp != "" && first.Timestamp < w.prevFirst
}

// take records a delivered page.
func (w *walkState) take(page []decoded) {
	w.pages++
	if len(page) > 0 {
		w.prevFirst = page[0].ev.Timestamp
	}
	w.prev = make(map[string]bool, len(page))
	if w.atLast == nil {
		w.atLast = map[string]bool{}
	}
	for _, d := range page {
		w.prev[d.ev.ID] = true
		switch ts := d.ev.Timestamp; {
		case ts > w.last:
			w.last = ts
			w.atLast = map[string]bool{d.ev.ID: true}
		case ts == w.last:
			w.atLast[d.ev.ID] = true
		}
	}
}

// History calls fn with each page of the conversation's stored events, in
// log order, as the pages arrive (paged forward with page_id; see
// forward). Memory is bounded by one page. It returns fn's error, if any.
func (c *Client) History(ctx context.Context, convID string, raw bool, fn func([]backend.Event) error) error {
	id, err := backend.ParseConversationID(convID)
	if err != nil {
		return err
	}
	return c.forward(ctx, id, EventQuery{Raw: raw}, func(page []decoded, _ int) error {
		if len(page) == 0 {
			return nil
		}
		evs := make([]backend.Event, len(page))
		for i, d := range page {
			evs[i] = d.ev
		}
		return fn(evs)
	})
}

// Newest returns the newest n stored events (at most), oldest first.
func (c *Client) Newest(ctx context.Context, convID string, n int, raw bool) ([]backend.Event, error) {
	id, err := backend.ParseConversationID(convID)
	if err != nil {
		return nil, err
	}
	p, err := c.newest(ctx, id, backend.Event{}, n, raw)
	if err != nil {
		return nil, err
	}
	evs := make([]backend.Event, len(p.events))
	for i, d := range p.events {
		evs[i] = d.ev
	}
	return evs, nil
}

package nestedv0

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// maxLimit is the largest page the events route accepts.
const maxLimit = 100

// Caps on Event.Raw: pages and streams (when asked), single fetches.
const (
	maxRaw       = 1 << 20
	maxSingleRaw = 32 << 20
)

// decoded is a V0 event plus the agent state it reports, if any.
type decoded struct {
	ev         backend.Event
	id         int64
	agentState string
}

type page struct {
	events  []decoded
	hasMore bool
	skipped int
}

// page fetches GET …/events with the given query, decoding item by item.
func (c *Client) page(ctx context.Context, q url.Values, rawCap int) (page, error) {
	k := clientkit.Call{Op: "get events", Method: http.MethodGet, Path: c.path("/events"), Query: q}
	resp, cancel, err := c.api.Send(ctx, k)
	if err != nil {
		return page{}, err
	}
	defer cancel()
	defer resp.Body.Close()
	var body struct {
		Events  []json.RawMessage `json:"events"`
		HasMore bool              `json:"has_more"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, clientkit.MaxBody)).Decode(&body); err != nil {
		return page{}, c.api.BodyError(ctx, k.Op, err)
	}
	p := page{hasMore: body.HasMore}
	for _, raw := range body.Events {
		d, err := decodeEvent(raw, rawCap)
		if err != nil {
			p.skipped++
			continue
		}
		p.events = append(p.events, d)
	}
	return p, nil
}

// EventsAfter returns up to limit events with ids from startID on.
func (c *Client) EventsAfter(ctx context.Context, startID int64, limit int, raw bool) ([]backend.Event, bool, error) {
	p, err := c.page(ctx, url.Values{"start_id": {strconv.FormatInt(startID, 10)}, "limit": {strconv.Itoa(clamp(limit))}}, rawCapFor(raw))
	if err != nil {
		return nil, false, err
	}
	return events(p.events), p.hasMore, nil
}

// EventsBefore returns the events just older than q.Before (by V0 id),
// oldest first.
func (c *Client) EventsBefore(ctx context.Context, q backend.PageQuery) (backend.EventPage, error) {
	p, err := c.before(ctx, q)
	if err != nil {
		return backend.EventPage{}, err
	}
	return backend.EventPage{Events: events(p.events), More: p.hasMore}, nil
}

func (c *Client) before(ctx context.Context, q backend.PageQuery) (page, error) {
	v := url.Values{"reverse": {"true"}, "limit": {strconv.Itoa(clamp(q.Limit))}}
	if q.Before.ID != "" {
		id, err := strconv.ParseInt(q.Before.ID, 10, 64)
		if err != nil {
			return page{}, fmt.Errorf("V0 event id %q: %w", clientkit.SanitizeLine(q.Before.ID, 40), backend.ErrInvalidID)
		}
		if id <= 0 {
			return page{}, nil
		}
		v.Set("end_id", strconv.FormatInt(id-1, 10))
	}
	p, err := c.page(ctx, v, rawCapFor(q.Raw))
	if err != nil {
		return page{}, err
	}
	slices.Reverse(p.events)
	return p, nil
}

// Event fetches one event with its JSON.
func (c *Client) Event(ctx context.Context, eventID string) (backend.Event, error) {
	id, err := strconv.ParseInt(eventID, 10, 64)
	if err != nil || id < 0 {
		return backend.Event{}, fmt.Errorf("V0 event id %q: %w", clientkit.SanitizeLine(eventID, 40), backend.ErrInvalidID)
	}
	s := strconv.FormatInt(id, 10)
	p, err := c.page(ctx, url.Values{"start_id": {s}, "end_id": {s}, "limit": {"1"}}, maxSingleRaw)
	if err != nil {
		return backend.Event{}, err
	}
	if len(p.events) == 0 || p.events[0].id != id {
		return backend.Event{}, fmt.Errorf("get event %d: %w", id, backend.ErrNotFound)
	}
	return p.events[0].ev, nil
}

func clamp(n int) int {
	if n <= 0 || n > maxLimit {
		return maxLimit
	}
	return n
}

func rawCapFor(raw bool) int {
	if raw {
		return maxRaw
	}
	return 0
}

func events(ds []decoded) []backend.Event {
	out := make([]backend.Event, len(ds))
	for i, d := range ds {
		out[i] = d.ev
	}
	return out
}

// errMalformed marks an item that is not a V0 event.
var errMalformed = errors.New("malformed V0 event")

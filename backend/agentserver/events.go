package agentserver

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// EventQuery filters and pages an event search.
type EventQuery struct {
	// Kind is a wire kind ("MessageEvent"); it is sent as the Python class
	// path the server's filter needs (KindFilter).
	Kind string
	// Source is agent, user, environment or hook.
	Source string
	// Body matches message text (MessageEvents only), case-insensitively.
	Body string
	// Since and Before bound timestamps: Since <= ts < Before. Pass event
	// timestamp strings exactly as received.
	Since, Before string
	// Desc returns newest first.
	Desc bool
	// PageID continues from a previous page's Next.
	PageID string
	// Limit is the page size, capped at 100 (default 100).
	Limit int
	// Raw keeps each event's JSON (up to 1 MiB per event).
	Raw bool
}

// EventsPage is one page of an event search.
type EventsPage struct {
	Events []backend.Event
	// Next continues the search ("" on the last page).
	Next string
	// Skipped counts items that were not events (malformed).
	Skipped int
}

// kindModules maps wire kinds to the modules that define them. The search
// filter compares against "<module>.<class>", never the bare class name.
var kindModules = map[string]string{
	kindMessage: "llm_convertible.message", kindAction: "llm_convertible.action",
	kindObservation: "llm_convertible.observation", kindReject: "llm_convertible.observation",
	kindAgentError: "llm_convertible.observation", kindSystemPrompt: "llm_convertible.system",
	kindState: "conversation_state", kindPause: "user_action", kindInterrupt: "user_action",
	kindConvError: "conversation_error", kindCondensation: "condenser",
	kindCondensationRequest: "condenser", kindCondensationSummary: "condenser",
	kindHook: "hook_execution", kindLLMLog: "llm_completion_log", kindToken: "token",
	kindACPToolCall: "acp_tool_call",
}

// KindFilter returns the value the kind filter of the event search needs:
// the fully-qualified class path. A kind that already contains a dot, or
// one this package does not know, is passed through.
func KindFilter(kind string) string {
	if m, ok := kindModules[kind]; ok {
		return "openhands.sdk.event." + m + "." + kind
	}
	return kind
}

func (q EventQuery) values() url.Values {
	v := url.Values{"limit": {strconv.Itoa(clampLimit(q.Limit))}}
	set := func(k, val string) {
		if val != "" {
			v.Set(k, val)
		}
	}
	set("kind", KindFilter(q.Kind))
	set("source", q.Source)
	set("body", q.Body)
	set("timestamp__gte", q.Since)
	set("timestamp__lt", q.Before)
	set("page_id", q.PageID)
	if q.Desc {
		v.Set("sort_order", "TIMESTAMP_DESC")
	}
	return v
}

func eventsPath(convID string) string { return convPath(convID) + "/events" }

// searchPage fetches one page and hands each decoded item to fn, decoding
// the body item by item so a page of large events is never held whole.
func (c *Client) searchPage(ctx context.Context, convID string, q EventQuery, fn func(decoded)) (next string, skipped int, err error) {
	k := call{Op: "search events", Method: http.MethodGet, Path: eventsPath(convID) + "/search", Query: q.values()}
	resp, cancel, err := c.api.Send(ctx, k)
	if err != nil {
		return "", 0, err
	}
	defer cancel()
	defer resp.Body.Close()
	rawCap := 0
	if q.Raw {
		rawCap = maxRaw
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, clientkit.MaxBody))
	bad := func(err error) (string, int, error) { return "", skipped, c.api.BodyError(ctx, k.Op, err) }
	if err := expectDelim(dec, '{'); err != nil {
		return bad(err)
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return bad(err)
		}
		switch tok {
		case "items":
			if err := expectDelim(dec, '['); err != nil {
				return bad(err)
			}
			for dec.More() {
				var raw json.RawMessage
				if err := dec.Decode(&raw); err != nil {
					return bad(err)
				}
				d, err := decodeEvent(raw, rawCap)
				if err != nil {
					skipped++
					continue
				}
				fn(d)
			}
			if err := expectDelim(dec, ']'); err != nil {
				return bad(err)
			}
		case "next_page_id":
			var p *string
			if err := dec.Decode(&p); err != nil {
				return bad(err)
			}
			if p != nil {
				next = *p
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return bad(err)
			}
		}
	}
	return next, skipped, nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q, got %v", want, tok)
	}
	return nil
}

// SearchEvents returns one page of events.
func (c *Client) SearchEvents(ctx context.Context, convID string, q EventQuery) (EventsPage, error) {
	id, err := backend.ParseConversationID(convID)
	if err != nil {
		return EventsPage{}, err
	}
	var p EventsPage
	p.Next, p.Skipped, err = c.searchPage(ctx, id, q, func(d decoded) { p.Events = append(p.Events, d.ev) })
	if err != nil {
		return EventsPage{}, err
	}
	return p, nil
}

// CountEvents counts the events matching q (paging fields are ignored).
func (c *Client) CountEvents(ctx context.Context, convID string, q EventQuery) (int, error) {
	id, err := backend.ParseConversationID(convID)
	if err != nil {
		return 0, err
	}
	v := q.values()
	v.Del("limit")
	v.Del("page_id")
	v.Del("sort_order")
	var n int
	err = c.do(ctx, call{Op: "count events", Method: http.MethodGet, Path: eventsPath(id) + "/count", Query: v}, &n)
	return n, err
}

// Event fetches one event with its JSON (up to 32 MiB).
func (c *Client) Event(ctx context.Context, convID, eventID string) (backend.Event, error) {
	id, err := backend.ParseConversationID(convID)
	if err != nil {
		return backend.Event{}, err
	}
	var raw json.RawMessage
	k := call{Op: "get event", Method: http.MethodGet, Path: eventsPath(id) + "/" + pathEscape(eventID)}
	if err := c.do(ctx, k, &raw); err != nil {
		return backend.Event{}, err
	}
	d, err := decodeEvent(raw, maxSingleRaw)
	if err != nil {
		return backend.Event{}, fmt.Errorf("get event: %w: %w", ErrBadResponse, err)
	}
	return d.ev, nil
}

// EventsBefore returns the events just older than q.Before, oldest first.
// Events that share Before's timestamp but precede it in the log are
// included, so paging back never skips an event whatever the caller's
// boundary (timestamps are only microsecond-precise). Against a server
// that ignores the descending query it still answers the right page (see
// newest), so a caller paging back always ends.
func (c *Client) EventsBefore(ctx context.Context, convID string, q backend.PageQuery) (backend.EventPage, error) {
	id, err := backend.ParseConversationID(convID)
	if err != nil {
		return backend.EventPage{}, err
	}
	page, err := c.newest(ctx, id, q.Before, clampLimit(q.Limit), q.Raw)
	if err != nil {
		return backend.EventPage{}, err
	}
	out := backend.EventPage{More: page.more, Events: make([]backend.Event, len(page.events))}
	for i, d := range page.events {
		out.Events[i] = d.ev
	}
	return out, nil
}

type decodedPage struct {
	events []decoded
	more   bool
}

// descPage asks for one page just older than q.Before with a descending
// search; newest checks what it answers.
func (c *Client) descPage(ctx context.Context, id string, q backend.PageQuery) (decodedPage, error) {
	limit := clampLimit(q.Limit)
	var head []decoded // same timestamp as Before, earlier in the log
	if b := q.Before; b.ID != "" {
		err := c.walk(ctx, id, EventQuery{Since: b.Timestamp, Raw: q.Raw}, func(d decoded) bool {
			if d.ev.ID == b.ID || d.ev.Timestamp != b.Timestamp {
				return false
			}
			head = append(head, d)
			return true
		})
		if err != nil {
			return decodedPage{}, err
		}
	}
	var desc []decoded
	more := false
	if want := limit - len(head); want > 0 {
		dq := EventQuery{Before: q.Before.Timestamp, Desc: true, Limit: want, Raw: q.Raw}
		next, _, err := c.searchPage(ctx, id, dq, func(d decoded) { desc = append(desc, d) })
		if err != nil {
			return decodedPage{}, err
		}
		more = next != ""
	} else {
		more = true // the head filled the page; older ones may remain
	}
	slices.Reverse(desc)
	return decodedPage{events: append(desc, head...), more: more}, nil
}

// walk pages forward through a search, calling fn for each event until fn
// returns false or the search ends.
func (c *Client) walk(ctx context.Context, id string, q EventQuery, fn func(decoded) bool) error {
	stop := false
	for range maxPages {
		next, _, err := c.searchPage(ctx, id, q, func(d decoded) {
			if !stop && !fn(d) {
				stop = true
			}
		})
		if err != nil || stop || next == "" {
			return err
		}
		q.PageID = next
	}
	return fmt.Errorf("search events: more than %d pages: %w", maxPages, ErrBadResponse)
}

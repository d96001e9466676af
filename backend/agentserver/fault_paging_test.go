package agentserver

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	sim "github.com/ohdash/ohdash/backend/sim/agentserver"
)

// countingSim is the emulator behind a counter of event searches.
func countingSim(t *testing.T, v sim.Variant) (*sim.Server, *Client, *atomic.Int64) {
	t.Helper()
	srv, err := sim.New(sim.Options{Keys: []string{simKey}, Variant: v})
	if err != nil {
		t.Fatal(err)
	}
	var n atomic.Int64
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/events/search") {
			n.Add(1)
		}
		srv.ServeHTTP(w, r)
	}))
	c, err := New(ts.URL, backend.NewSecret(simKey), Options{Timeout: 5 * time.Second, Stream: fastTuning()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
		c.api.HTTP.CloseIdleConnections()
	})
	return srv, c, &n
}

var ignoreAll = sim.Variant{IgnoreParams: []string{"sort_order", "timestamp__lt", "timestamp__gte"}}

// TestFaultHistoryIgnoredQueryParams: against servers that ignore the
// optional search parameters, History ends, delivers every event once and
// in order, never more than a page at a time, in a bounded number of
// requests.
func TestFaultHistoryIgnoredQueryParams(t *testing.T) {
	for name, v := range map[string]sim.Variant{
		"none":         {},
		"sort+ts":      ignoreAll,
		"page_id":      {IgnoreParams: []string{"page_id"}},
		"page_id+sort": {IgnoreParams: []string{"page_id", "sort_order", "timestamp__lt"}},
	} {
		t.Run(name, func(t *testing.T) {
			srv, c, searches := countingSim(t, v)
			id := seed(t, srv, sim.SeedSpec{Turns: 1, Events: 2000})
			want := serverIDs(t, srv, id)
			var got []string
			largest := 0
			err := c.History(context.Background(), id, false, func(page []backend.Event) error {
				largest = max(largest, len(page))
				for _, e := range page {
					got = append(got, e.ID)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			sameIDs(t, got, want)
			if largest > maxLimit {
				t.Errorf("a page of %d events was held at once", largest)
			}
			if n, limit := searches.Load(), int64(len(want)/maxLimit*2+4); n > limit {
				t.Errorf("%d searches for %d events (limit %d)", n, len(want), limit)
			}
		})
	}
}

// TestFaultHistoryPagingIgnoredEnds: a server that ignores page_id and
// timestamp__gte cannot be paged; History says so instead of looping.
func TestFaultHistoryPagingIgnoredEnds(t *testing.T) {
	srv, c, searches := countingSim(t, sim.Variant{IgnoreParams: []string{"page_id", "timestamp__gte"}})
	id := seed(t, srv, sim.SeedSpec{Turns: 1, Events: 500})
	n := 0
	err := c.History(context.Background(), id, false, func(page []backend.Event) error { n += len(page); return nil })
	if !errors.Is(err, ErrPagingIgnored) || !errors.Is(err, ErrBadResponse) {
		t.Fatalf("History = %v, want ErrPagingIgnored", err)
	}
	if n != maxLimit || searches.Load() > 4 {
		t.Errorf("%d events delivered in %d searches; want the first page once, then the error", n, searches.Load())
	}
}

// TestFaultEventsBeforeIgnoredQueryParams: paging back with EventsBefore
// from the newest page reaches the first event, each once, in as many
// calls as there are pages, even when the server ignores sort_order and
// timestamp__lt (it used to answer the first page for ever).
func TestFaultEventsBeforeIgnoredQueryParams(t *testing.T) {
	for name, v := range map[string]sim.Variant{"none": {}, "sort+ts": ignoreAll, "ts_lt": {IgnoreParams: []string{"timestamp__lt"}}} {
		t.Run(name, func(t *testing.T) {
			srv, c, _ := countingSim(t, v)
			id := seed(t, srv, sim.SeedSpec{Turns: 1, Events: 1000})
			want := serverIDs(t, srv, id)
			var history []backend.Event
			q := backend.PageQuery{}
			for calls := 0; ; calls++ {
				if calls > len(want)/maxLimit+2 {
					t.Fatalf("still paging after %d calls (%d events held)", calls, len(history))
				}
				p, err := c.EventsBefore(context.Background(), id, q)
				if err != nil {
					t.Fatal(err)
				}
				history = append(p.Events, history...)
				if !p.More || len(p.Events) == 0 {
					break
				}
				q.Before = p.Events[0]
			}
			ids := make([]string, len(history))
			for i, e := range history {
				ids[i] = e.ID
			}
			sameIDs(t, ids, want)
		})
	}
}

// TestFaultStreamTailIgnoredQueryParams: a stream that starts from the
// newest N gets exactly those against a server that ignores the
// descending query, then live events, and a full stream against a server
// that ignores page_id gets the whole history.
func TestFaultStreamTailIgnoredQueryParams(t *testing.T) {
	srv, c, _ := countingSim(t, ignoreAll)
	id := seed(t, srv, sim.SeedSpec{Turns: 1, Events: 1000})
	all := serverIDs(t, srv, id)
	s := simStream(t, c, id, backend.StreamOptions{Tail: 150})
	if !s.settle(t, 150, 10*time.Second) {
		t.Fatalf("no tail: %d events", len(s.events))
	}
	sameIDs(t, s.ids(), all[len(all)-150:])
	if _, err := srv.Generate(id, 10); err != nil {
		t.Fatal(err)
	}
	if !s.settle(t, 160, 10*time.Second) {
		t.Fatal("no live events")
	}
	sameIDs(t, s.ids(), serverIDs(t, srv, id)[len(all)-150:])

	srv2, c2, _ := countingSim(t, sim.Variant{IgnoreParams: []string{"page_id"}})
	id2 := seed(t, srv2, sim.SeedSpec{Turns: 1, Events: 1000})
	s2 := simStream(t, c2, id2, backend.StreamOptions{})
	want := serverIDs(t, srv2, id2)
	if !s2.settle(t, len(want), 10*time.Second) {
		t.Fatalf("full history: %d of %d events", len(s2.events), len(want))
	}
	sameIDs(t, s2.ids(), want)
}

// TestFaultHealthOK: every /health shape a server answers healthy with is
// healthy.
func TestFaultHealthOK(t *testing.T) {
	for _, shape := range []string{sim.HealthObject, sim.HealthString, sim.HealthText} {
		_, c, _ := countingSim(t, sim.Variant{HealthShape: shape})
		if err := c.Health(context.Background()); err != nil {
			t.Errorf("%s: %v", shape, err)
		}
	}
}

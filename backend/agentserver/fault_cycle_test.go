package agentserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// cyclingServer answers event searches over n events honestly (page_id
// inclusive, limit, timestamp__gte), except that the last page's
// next_page_id points back to the event at index back instead of null:
// a buggy server or proxy whose paging never ends.
func cyclingServer(t *testing.T, n, back int) *Client {
	t.Helper()
	ids := make([]string, n)
	events := make([]map[string]any, n)
	for i := range n {
		ids[i] = fmt.Sprintf("ev-%06d", i)
		events[i] = map[string]any{
			"id": ids[i], "timestamp": fmt.Sprintf("2026-01-01T00:00:%02d.%06d", i/1000, i%1000), "source": "agent",
			"kind": "MessageEvent", "llm_message": map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "text", "text": ids[i]}}},
		}
	}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		limit, _ := strconv.Atoi(q.Get("limit"))
		if limit <= 0 || limit > maxLimit {
			limit = maxLimit
		}
		start := 0
		for start < n && q.Get("timestamp__gte") != "" && events[start]["timestamp"].(string) < q.Get("timestamp__gte") {
			start++
		}
		if p := q.Get("page_id"); p != "" {
			for i, id := range ids {
				if id == p {
					start = i
				}
			}
		}
		end := min(start+limit, n)
		next := any(nil)
		if end < n {
			next = ids[end]
		} else {
			next = ids[back]
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"items": events[start:end], "next_page_id": next})
	}))
	c, err := New(ts.URL, backend.NewSecret(""), Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ts.Close()
		c.api.HTTP.CloseIdleConnections()
	})
	return c
}

// TestFaultHistoryNextPageCycle: a server whose last page points back to
// an earlier event (the first page's first event, or one in the middle
// of an earlier page) ends History with every event delivered once and in
// order, never a second time. It used to print the first page again.
func TestFaultHistoryNextPageCycle(t *testing.T) {
	const n = 250
	for _, back := range []int{0, 50, 120} {
		t.Run(strconv.Itoa(back), func(t *testing.T) {
			c := cyclingServer(t, n, back)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			var got []string
			err := c.History(ctx, "5a1e0c3d-1111-4222-8333-444455556666", false, func(page []backend.Event) error {
				for _, e := range page {
					got = append(got, e.ID)
				}
				return nil
			})
			if err != nil && !errors.Is(err, ErrPagingIgnored) {
				t.Fatalf("History = %v, want nil or ErrPagingIgnored", err)
			}
			if len(got) != n {
				t.Errorf("%d events delivered, want %d, each once", len(got), n)
			}
			for i, id := range got {
				if want := fmt.Sprintf("ev-%06d", i); id != want {
					t.Fatalf("event %d is %s, want %s", i, id, want)
				}
			}
		})
	}
}

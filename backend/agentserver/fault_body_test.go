package agentserver

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultBodyCutShort: an answer whose transfer breaks half-way (the
// connection closes before Content-Length bytes came, or the body stops
// until the deadline) is a connection failure (backend.ErrUnavailable:
// exit 4, "closed before the answer was complete" / "did not answer in
// time"), not a malformed answer (ErrBadResponse: exit 1), which it used to
// be reported as. A complete answer that is not the JSON expected stays
// ErrBadResponse.
func TestFaultBodyCutShort(t *testing.T) {
	const page = `{"items":[{"id":"e1","timestamp":"2026-01-01T00:00:00","source":"agent","kind":"MessageEvent"}],"next_page_id":null}`
	cases := map[string]struct {
		serve func(w http.ResponseWriter, r *http.Request)
		bad   bool
	}{
		"cut": {serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "10000")
			_, _ = w.Write([]byte(page[:40]))
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler) // closes the connection mid-body
		}},
		"stalled": {serve: func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "10000")
			_, _ = w.Write([]byte(page[:40]))
			w.(http.Flusher).Flush()
			<-r.Context().Done() // until the client gives up
		}},
		"truncated JSON": {bad: true, serve: func(w http.ResponseWriter, r *http.Request) {
			_, _ = w.Write([]byte(page[:40]))
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/json")
				tc.serve(w, r)
			}))
			defer ts.Close()
			c, err := New(ts.URL, backend.NewSecret(""), Options{Timeout: 500 * time.Millisecond})
			if err != nil {
				t.Fatal(err)
			}
			defer c.api.HTTP.CloseIdleConnections()
			err = c.History(context.Background(), "5a1e0c3d-1111-4222-8333-444455556666", false, func([]backend.Event) error { return nil })
			if tc.bad {
				if !errors.Is(err, ErrBadResponse) || errors.Is(err, backend.ErrUnavailable) {
					t.Fatalf("History = %v, want ErrBadResponse", err)
				}
				return
			}
			if !errors.Is(err, backend.ErrUnavailable) || errors.Is(err, ErrBadResponse) {
				t.Fatalf("History = %v, want backend.ErrUnavailable, not ErrBadResponse", err)
			}
			if strings.Contains(err.Error(), "malformed") {
				t.Errorf("a broken transfer is called malformed: %v", err)
			}
		})
	}
}

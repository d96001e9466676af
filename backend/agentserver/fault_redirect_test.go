package agentserver

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultRedirectKeepsSessionKey: an agent-server (or a proxy in front
// of it) that redirects to another origin does not get the session key
// sent there: the X-Session-API-Key header is not stripped by Go on a
// cross-host redirect the way Authorization is. A redirect on the same
// origin is still followed.
func TestFaultRedirectKeepsSessionKey(t *testing.T) {
	const secret = "sk-redirect-secret-0123456789"
	var leaked, reached atomic.Int64
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached.Add(1)
		if r.Header.Get("X-Session-API-Key") != "" {
			leaked.Add(1)
		}
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"items":[],"next_page_id":null}`))
	}))
	defer other.Close()
	var same atomic.Int64
	first := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/api/conversations/search":
			http.Redirect(w, r, other.URL+r.URL.RequestURI(), http.StatusFound)
		case "/moved/api/conversations/count":
			same.Add(1)
			_, _ = w.Write([]byte(`3`))
		default:
			http.Redirect(w, r, "/moved"+r.URL.RequestURI(), http.StatusFound)
		}
	}))
	defer first.Close()
	c, err := New(first.URL, backend.NewSecret(secret), Options{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer c.api.HTTP.CloseIdleConnections()
	ctx := context.Background()
	_, _ = c.SearchConversations(ctx, SearchQuery{})
	if leaked.Load() != 0 {
		t.Fatalf("the session key was sent to %s after a redirect (%d requests)", other.URL, leaked.Load())
	}
	if n, err := c.CountConversations(ctx, ""); err != nil || n != 3 || same.Load() != 1 {
		t.Fatalf("a same-origin redirect: count %d, %v (%d requests)", n, err, same.Load())
	}
}

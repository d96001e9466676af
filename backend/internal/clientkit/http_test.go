package clientkit

import (
	"context"
	"io"
	"net/http"
	"testing"

	"github.com/ohdash/ohdash/backend/internal/conntest"
)

// TestDefaultClientBoundsIdleConnections: one call to each of 30
// servers (a fleet-wide listing) leaves at most MaxIdleConns connections
// open, and CloseIdleConnections lets go of those too.
func TestDefaultClientBoundsIdleConnections(t *testing.T) {
	var cc conntest.Counter
	var urls []string
	for range 30 {
		s := cc.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "{}")
		}))
		urls = append(urls, s.URL)
	}
	c := DefaultHTTPClient()
	for _, u := range urls {
		req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		_ = resp.Body.Close()
	}
	cc.WaitAtMost(t, MaxIdleConns, "after one call to each of 30 servers")
	c.CloseIdleConnections()
	cc.WaitAtMost(t, 0, "after CloseIdleConnections")
}

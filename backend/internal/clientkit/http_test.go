package clientkit

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// connCounter counts a test server's connections that are open.
type connCounter struct {
	mu   sync.Mutex
	open map[net.Conn]bool
}

func (c *connCounter) track(conn net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch s {
	case http.StateNew:
		c.open[conn] = true
	case http.StateClosed, http.StateHijacked:
		delete(c.open, conn)
	}
}

func (c *connCounter) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.open)
}

// TestDefaultClientBoundsIdleConnections: one call to each of 30
// servers (a fleet-wide listing) leaves at most MaxIdleConns connections
// open, and CloseIdleConnections lets go of those too.
func TestDefaultClientBoundsIdleConnections(t *testing.T) {
	const servers = 30
	cc := &connCounter{open: map[net.Conn]bool{}}
	var urls []string
	for range servers {
		s := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "{}")
		}))
		s.Config.ConnState = cc.track
		s.Start()
		t.Cleanup(s.Close)
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
	waitFor(t, func() bool { return cc.count() <= MaxIdleConns }, func() string {
		return fmt.Sprintf("at most %d connections open after a sweep of %d servers, %d are", MaxIdleConns, servers, cc.count())
	})
	c.CloseIdleConnections()
	waitFor(t, func() bool { return cc.count() == 0 }, func() string {
		return fmt.Sprintf("no connection open after CloseIdleConnections, %d are", cc.count())
	})
}

// waitFor polls ok for up to 5 s: the server learns of a close a moment
// after the client makes it.
func waitFor(t *testing.T, ok func() bool, want func() string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal(want())
		}
		time.Sleep(5 * time.Millisecond)
	}
}

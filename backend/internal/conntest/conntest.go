// Package conntest counts the connections a test server holds open, for
// tests of what an HTTP client keeps alive.
package conntest

import (
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

// Counter counts the open connections of the servers it was hung on.
type Counter struct {
	mu   sync.Mutex
	open map[net.Conn]bool
}

// Serve starts a test server for h whose connections c counts, closed
// when the test ends.
func (c *Counter) Serve(t testing.TB, h http.Handler) *httptest.Server {
	t.Helper()
	s := httptest.NewUnstartedServer(h)
	s.Config.ConnState = c.track
	s.Start()
	t.Cleanup(s.Close)
	return s
}

func (c *Counter) track(conn net.Conn, s http.ConnState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.open == nil {
		c.open = map[net.Conn]bool{}
	}
	switch s {
	case http.StateNew:
		c.open[conn] = true
	case http.StateClosed, http.StateHijacked:
		delete(c.open, conn)
	}
}

// Open is how many connections are open now.
func (c *Counter) Open() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.open)
}

// WaitAtMost waits up to 5 s (a server learns of a close a moment after
// the client makes it) for at most n connections to be open, and fails
// the test saying what if they are not.
func (c *Counter) WaitAtMost(t testing.TB, n int, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for c.Open() > n {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections open %s, want at most %d", c.Open(), what, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

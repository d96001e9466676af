package convroute

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	simas "github.com/ohdash/ohdash/backend/sim/agentserver"
)

// A fleet-wide listing leaves few connections behind (each holds two
// goroutines and their buffers while the dashboard idles), and
// CloseIdleConnections, which the dashboard calls once its start-up sweep
// is over, leaves none.
func TestFleetListingLeavesFewConnectionsOpen(t *testing.T) {
	srv, err := simas.New(simas.Options{Keys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	var mu sync.Mutex
	open := map[net.Conn]bool{}
	count := func() int {
		mu.Lock()
		defer mu.Unlock()
		return len(open)
	}
	var sbs []backend.Sandbox
	for i := range 24 {
		ts := httptest.NewUnstartedServer(srv)
		ts.Config.ConnState = func(c net.Conn, s http.ConnState) {
			mu.Lock()
			defer mu.Unlock()
			switch s {
			case http.StateNew:
				open[c] = true
			case http.StateClosed, http.StateHijacked:
				delete(open, c)
			}
		}
		ts.Start()
		t.Cleanup(ts.Close)
		sbs = append(sbs, backend.Sandbox{
			ID: "oh-agent-server-" + string(rune('a'+i)), Source: "docker", Flavor: backend.FlavorAgentServer, Status: backend.StatusRunning,
			ExposedURLs:   []backend.ExposedURL{{Name: backend.URLAgentServer, URL: ts.URL}},
			SessionAPIKey: backend.NewSecret(key),
		})
	}
	r := newRouter(t, 8)
	for _, sc := range r.AllConversations(context.Background(), sbs) {
		if sc.Err != nil {
			t.Fatalf("%s: %v", sc.Sandbox.ID, sc.Err)
		}
	}
	settled := func(want func(int) bool) int {
		deadline := time.Now().Add(5 * time.Second)
		n := count()
		for !want(n) && time.Now().Before(deadline) {
			time.Sleep(5 * time.Millisecond)
			n = count()
		}
		return n
	}
	if n := settled(func(n int) bool { return n <= 8 }); n > 8 {
		t.Fatalf("%d connections open after listing %d sandboxes, want at most 8", n, len(sbs))
	}
	r.CloseIdleConnections()
	if n := settled(func(n int) bool { return n == 0 }); n != 0 {
		t.Fatalf("%d connections open after CloseIdleConnections", n)
	}
}

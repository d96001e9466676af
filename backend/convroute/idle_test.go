package convroute

import (
	"context"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/conntest"
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
	var cc conntest.Counter
	var sbs []backend.Sandbox
	for i := range 24 {
		ts := cc.Serve(t, srv)
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
	cc.WaitAtMost(t, 8, "after listing 24 sandboxes")
	r.CloseIdleConnections()
	cc.WaitAtMost(t, 0, "after CloseIdleConnections")
}

package convroute

import (
	"context"
	"net/http/httptest"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/agentserver"
	simas "github.com/ohdash/ohdash/backend/sim/agentserver"
)

// TestFaultPortChangeAfterRestart: the sandbox's agent-server goes away
// and comes back on another port (docker restart publishes a new host
// port). A stream opened on the old address recovers and delivers every
// event once and in order, and a one-shot call made with the stale
// sandbox reaches the server too, because the router asks the sandbox's
// backend where it is now.
func TestFaultPortChangeAfterRestart(t *testing.T) {
	srv, err := simas.New(simas.Options{Keys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	id, err := srv.Seed(simas.SeedSpec{Turns: 1, Events: 50})
	if err != nil {
		t.Fatal(err)
	}
	first := httptest.NewServer(srv)
	stale := backend.Sandbox{
		ID: "oh-agent-server-moving", Source: "docker", Flavor: backend.FlavorAgentServer, Status: backend.StatusRunning,
		ExposedURLs:   []backend.ExposedURL{{Name: backend.URLAgentServer, URL: first.URL}},
		SessionAPIKey: backend.NewSecret(key),
	}
	var mu sync.Mutex
	current := stale
	r := New(Options{
		Timeout: 2 * time.Second,
		Stream: agentserver.StreamTuning{NewBackoff: func() *backend.Backoff {
			return &backend.Backoff{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond}
		}},
		Resolve: func(context.Context, backend.Sandbox) (backend.Sandbox, error) {
			mu.Lock()
			defer mu.Unlock()
			return current, nil
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := r.StreamEvents(ctx, stale, id, backend.StreamOptions{})
	var got []string
	read := func(n int, what string) {
		t.Helper()
		deadline := time.After(10 * time.Second)
		for len(got) < n {
			select {
			case u, ok := <-ch:
				if !ok {
					t.Fatalf("stream closed while waiting for %s", what)
				}
				for _, e := range u.Events {
					got = append(got, e.ID)
				}
			case <-deadline:
				t.Fatalf("%s: %d of %d events", what, len(got), n)
			}
		}
	}
	want, _ := srv.EventIDs(id)
	read(len(want), "the history")

	// The restart: the old port goes dead, the server answers elsewhere.
	first.CloseClientConnections()
	first.Close()
	second := httptest.NewServer(srv)
	defer second.Close()
	mu.Lock()
	current.ExposedURLs = []backend.ExposedURL{{Name: backend.URLAgentServer, URL: second.URL}}
	mu.Unlock()
	if _, err := srv.Generate(id, 20); err != nil {
		t.Fatal(err)
	}
	want, _ = srv.EventIDs(id)
	read(len(want), "events after the restart")
	if !slices.Equal(got, want) {
		t.Fatalf("stream ids differ from the server's log (gap or repeat): got %d, want %d", len(got), len(want))
	}

	// A one-shot call with the sandbox as the caller last saw it.
	ev, err := r.Event(context.Background(), stale, id, want[len(want)-1])
	if err != nil || ev.ID != want[len(want)-1] {
		t.Fatalf("event after the restart: %v %v", ev.ID, err)
	}
	cancel()
	for range ch {
	}
}

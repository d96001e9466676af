package convroute

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/agentserver"
	simas "github.com/ohdash/ohdash/backend/sim/agentserver"
)

// TestFaultStreamSandboxRemoved: the sandbox of a followed conversation is
// removed (its backend no longer knows it). The stream ends, saying the
// sandbox is not found, instead of reconnecting to nothing for ever in
// silence (`ohdash events -f` never ended after `docker rm -f`).
func TestFaultStreamSandboxRemoved(t *testing.T) {
	srv, err := simas.New(simas.Options{Keys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	id, err := srv.Seed(simas.SeedSpec{Turns: 1, Events: 5})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	sb := backend.Sandbox{
		ID: "oh-agent-server-going", Source: "docker", Flavor: backend.FlavorAgentServer, Status: backend.StatusRunning,
		ExposedURLs:   []backend.ExposedURL{{Name: backend.URLAgentServer, URL: hs.URL}},
		SessionAPIKey: backend.NewSecret(key),
	}
	var mu sync.Mutex
	gone := false
	r := New(Options{
		Timeout: 2 * time.Second,
		Stream: agentserver.StreamTuning{NewBackoff: func() *backend.Backoff {
			return &backend.Backoff{Min: 20 * time.Millisecond, Max: 100 * time.Millisecond}
		}},
		Resolve: func(_ context.Context, s backend.Sandbox) (backend.Sandbox, error) {
			mu.Lock()
			defer mu.Unlock()
			if gone {
				return backend.Sandbox{}, fmt.Errorf("sandbox %s: %w", s.ID, backend.ErrNotFound)
			}
			return s, nil
		},
	})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ch := r.StreamEvents(ctx, sb, id, backend.StreamOptions{})
	deadline := time.After(10 * time.Second)
	for live := false; !live; {
		select {
		case u := <-ch:
			live = u.Conn.Phase == backend.ConnLive
		case <-deadline:
			t.Fatal("the stream never went live")
		}
	}
	mu.Lock()
	gone = true
	mu.Unlock()
	// The container goes, and every connection to it with it.
	srv.Close()
	hs.CloseClientConnections()
	hs.Close()
	for {
		select {
		case u, ok := <-ch:
			if !ok {
				t.Fatal("the stream closed without saying why")
			}
			if u.Conn.Phase != backend.ConnClosed {
				continue
			}
			if !errors.Is(u.Conn.Err, backend.ErrNotFound) {
				t.Fatalf("closed with %v, want an error wrapping ErrNotFound", u.Conn.Err)
			}
			return
		case <-deadline:
			t.Fatal("the stream of a removed sandbox is still reconnecting after 10s")
		}
	}
}

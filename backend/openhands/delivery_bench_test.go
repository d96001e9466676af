package openhands

import (
	"context"
	"net/http/httptest"
	"slices"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/convroute"
	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/appserver"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// deliveryPath is one way to a conversation's live events: the emulator
// that writes them and the stream that carries them to the consumer.
type deliveryPath struct {
	agent *agentserver.Server
	id    string
	ch    <-chan backend.EventUpdate
}

// next writes one event and returns how long it took to reach the
// consumer.
func (p deliveryPath) next(b *testing.B) time.Duration {
	t0 := time.Now()
	if _, err := p.agent.Generate(p.id, 1); err != nil {
		b.Fatal(err)
	}
	for {
		u, ok := <-p.ch
		if !ok {
			b.Fatal("stream closed")
		}
		if len(u.Events) > 0 {
			return time.Since(t0)
		}
	}
}

// live waits until the stream is live (history delivered).
func live(b *testing.B, ch <-chan backend.EventUpdate) {
	deadline := time.After(10 * time.Second)
	for {
		select {
		case u, ok := <-ch:
			if !ok {
				b.Fatal("stream closed before it was live")
			}
			if u.Conn.Phase == backend.ConnLive {
				return
			}
		case <-deadline:
			b.Fatal("stream not live within 10s")
		}
	}
}

// viaAppServer finds a conversation the way the dashboard does on an
// app-server (its sandbox listed through the app-server, the conversation
// through its search, events from the agent-server behind the sandbox's
// AGENT_SERVER URL with its session key) and follows it.
func viaAppServer(ctx context.Context, b *testing.B, router *convroute.Router) deliveryPath {
	s := startSim(b, appserver.Config{}, appserver.SeedOptions{Sandboxes: 3, Conversations: 6})
	be := newBackend(b, s, testKey)
	sbs, err := be.List(ctx)
	if err != nil {
		b.Fatal(err)
	}
	ov := NewOverlay(router, []backend.Backend{be})
	for _, sc := range ov.AllConversations(ctx, sbs) {
		if sc.Err != nil || len(sc.Conversations) == 0 {
			continue
		}
		agent, ok := s.Agent(sc.Sandbox.ID)
		if !ok {
			b.Fatalf("no agent-server for %s", sc.Sandbox.ID)
		}
		c := sc.Conversations[0]
		ch := ov.StreamEvents(ctx, sc.Sandbox, c.ID, backend.StreamOptions{})
		live(b, ch)
		return deliveryPath{agent: agent, id: c.ID, ch: ch}
	}
	b.Fatal("no conversation found through the app-server")
	return deliveryPath{}
}

// direct is a Docker-style sandbox: an agent-server reached at its own
// address with its session key, no app-server in between.
func direct(ctx context.Context, b *testing.B, router *convroute.Router) deliveryPath {
	const key = "direct-session-key-0123456789abcdef"
	agent, err := agentserver.New(agentserver.Options{Keys: []string{key}})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(agent)
	b.Cleanup(func() { srv.Close(); agent.Close() })
	id, _ := wire.ParseUUID("5a1e0c3d4b2a4f6e8d7c9b0a1f2e3d4c")
	if _, err := agent.Seed(agentserver.SeedSpec{ID: id, Turns: 1, Status: agentserver.StatusFinished}); err != nil {
		b.Fatal(err)
	}
	sb := backend.Sandbox{
		ID: "oh-agent-server-direct", Source: "docker", Flavor: backend.FlavorAgentServer, Status: backend.StatusRunning,
		ExposedURLs:   []backend.ExposedURL{{Name: backend.URLAgentServer, URL: srv.URL}},
		SessionAPIKey: backend.NewSecret(key),
	}
	ch := router.StreamEvents(ctx, sb, id, backend.StreamOptions{})
	live(b, ch)
	return deliveryPath{agent: agent, id: id, ch: ch}
}

// BenchmarkEventDeliveryViaAppServer measures how long an event written by
// the agent-server of a conversation found through the app-server takes
// to reach the consumer of its live stream, against the same through a
// Docker-style direct agent-server in the same run (one event on each
// per iteration, alternating). Budget: p99 under 50 ms, as for Docker
// sandboxes; app/direct near 1 (the app-server is not on the event path,
// only its agent proxy).
func BenchmarkEventDeliveryViaAppServer(b *testing.B) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	router := convroute.New(convroute.Options{})
	app, dir := viaAppServer(ctx, b, router), direct(ctx, b, router)
	var viaApp, viaDirect []time.Duration
	for b.Loop() {
		viaApp = append(viaApp, app.next(b))
		viaDirect = append(viaDirect, dir.next(b))
	}
	p := func(d []time.Duration, q int) time.Duration {
		slices.Sort(d)
		return d[min(len(d)-1, len(d)*q/100)]
	}
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(p(viaApp, 50)), "app-p50-ms")
	b.ReportMetric(ms(p(viaApp, 99)), "app-p99-ms")
	b.ReportMetric(ms(p(viaDirect, 50)), "direct-p50-ms")
	b.ReportMetric(ms(p(viaDirect, 99)), "direct-p99-ms")
	b.ReportMetric(float64(p(viaApp, 99))/float64(p(viaDirect, 99)), "app/direct-p99")
}

package convroute

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/agentserver"
	"github.com/ohdash/ohdash/backend/nestedv0"
	simas "github.com/ohdash/ohdash/backend/sim/agentserver"
	simv0 "github.com/ohdash/ohdash/backend/sim/nestedv0"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const key = "router-test-key-0123456789"

// gauge counts requests in flight and remembers the most seen at once.
type gauge struct {
	now, peak atomic.Int32
	next      http.Handler
	delay     time.Duration
}

func (g *gauge) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n := g.now.Add(1)
	for p := g.peak.Load(); n > p && !g.peak.CompareAndSwap(p, n); p = g.peak.Load() {
	}
	time.Sleep(g.delay)
	// Answer into a buffer and leave the gauge before the client can see
	// the answer, so a finished request never overlaps the next one.
	rec := httptest.NewRecorder()
	g.next.ServeHTTP(rec, r)
	g.now.Add(-1)
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	w.WriteHeader(rec.Code)
	_, _ = w.Write(rec.Body.Bytes())
}

func v1Sandbox(t *testing.T, name string, h http.Handler) backend.Sandbox {
	ts := httptest.NewServer(h)
	t.Cleanup(ts.Close)
	return backend.Sandbox{
		ID: "oh-agent-server-" + name, Source: "docker", Flavor: backend.FlavorAgentServer, Status: backend.StatusRunning,
		ExposedURLs:   []backend.ExposedURL{{Name: backend.URLAgentServer, URL: ts.URL}},
		SessionAPIKey: backend.NewSecret(key),
	}
}

func newRouter(t *testing.T, concurrency int) *Router {
	r := New(Options{Concurrency: concurrency, Timeout: 5 * time.Second, Stream: agentserver.StreamTuning{ReadyGrace: 100 * time.Millisecond},
		V0: simOptionsV0()})
	t.Cleanup(r.opts.HTTPClient.CloseIdleConnections)
	return r
}

func TestFleetListingIsBoundedAndOrdered(t *testing.T) {
	srv, err := simas.New(simas.Options{Keys: []string{key}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	for i := 0; i < 3; i++ {
		if _, err := srv.Seed(simas.SeedSpec{Turns: 1}); err != nil {
			t.Fatal(err)
		}
	}
	g := &gauge{next: srv, delay: 20 * time.Millisecond}
	var sbs []backend.Sandbox
	for i := 0; i < 12; i++ {
		sbs = append(sbs, v1Sandbox(t, string(rune('a'+i)), g))
	}
	paused := sbs[5]
	paused.Status = backend.StatusPaused
	sbs[5] = paused
	r := newRouter(t, 3)
	res := r.AllConversations(context.Background(), sbs)
	for i, sc := range res {
		if sc.Sandbox.ID != sbs[i].ID {
			t.Fatalf("result %d is for %s", i, sc.Sandbox.ID)
		}
		if i == 5 {
			if !errors.Is(sc.Err, backend.ErrUnavailable) || sc.Conversations != nil {
				t.Errorf("paused sandbox was asked: %v", sc.Err)
			}
			continue
		}
		if sc.Err != nil || len(sc.Conversations) != 3 || sc.Conversations[0].SandboxID != sbs[i].ID || sc.Conversations[0].Source != "docker" {
			t.Errorf("sandbox %d: %d conversations, %v", i, len(sc.Conversations), sc.Err)
		}
	}
	if p := g.peak.Load(); p > 3 || p < 2 {
		t.Errorf("peak concurrency %d, want at most 3 (and some)", p)
	}
}

func TestClientReuse(t *testing.T) {
	srv, _ := simas.New(simas.Options{Keys: []string{key}})
	t.Cleanup(srv.Close)
	sb := v1Sandbox(t, "reuse", srv)
	r := newRouter(t, 0)
	a, err := r.client(sb)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := r.client(sb); b != a {
		t.Error("client not reused")
	}
	sb.SessionAPIKey = backend.NewSecret("rotated-key-000000000")
	if c, _ := r.client(sb); c == a {
		t.Error("client kept after the key changed")
	}
	r.Forget(sb)
	if len(r.clients) != 0 {
		t.Error("forget kept the client")
	}
	r.opts.MaxClients = 2
	for _, n := range []string{"x", "y", "z"} {
		if _, err := r.client(v1Sandbox(t, n, srv)); err != nil {
			t.Fatal(err)
		}
	}
	if len(r.clients) != 2 {
		t.Errorf("%d clients kept, cap 2", len(r.clients))
	}
	if _, err := r.client(backend.Sandbox{ID: "no-url"}); !errors.Is(err, backend.ErrUnavailable) {
		t.Errorf("sandbox without URL: %v", err)
	}
}

func TestDispatchByFlavor(t *testing.T) {
	ctx := context.Background()
	v1srv, _ := simas.New(simas.Options{Keys: []string{key}})
	t.Cleanup(v1srv.Close)
	v1id, _ := v1srv.Seed(simas.SeedSpec{Turns: 1})
	v1 := v1Sandbox(t, "v1", v1srv)

	const v0hex = "0123456789abcdef0123456789abcdef"
	v0key := simv0.DeriveKey("secret", v0hex)
	v0srv, _ := simv0.New(simv0.Options{ConversationID: v0hex, Key: v0key})
	t.Cleanup(v0srv.Close)
	ts := httptest.NewServer(v0srv)
	t.Cleanup(ts.Close)
	v0 := backend.Sandbox{ID: "openhands-runtime-" + v0hex, Source: "docker", Flavor: backend.FlavorNestedV0, Status: backend.StatusRunning,
		ConversationID: v0hex, SessionAPIKey: backend.NewSecret(v0key),
		ExposedURLs: []backend.ExposedURL{{Name: backend.URLAgentServer, URL: ts.URL}}}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := v0srv.WaitStatus(wctx, simv0.StatusRunning); err != nil {
		t.Fatal(err)
	}

	r := newRouter(t, 0)
	res := r.AllConversations(ctx, []backend.Sandbox{v1, v0})
	if res[0].Err != nil || res[0].Conversations[0].ID != v1id || res[1].Err != nil || res[1].Conversations[0].Flavor != backend.FlavorNestedV0 {
		t.Fatalf("listing: %+v", res)
	}
	v0id := res[1].Conversations[0].ID
	for _, tc := range []struct {
		sb backend.Sandbox
		id string
	}{{v1, v1id}, {v0, v0id}, {v0, v0hex}} {
		if _, err := r.Conversation(ctx, tc.sb, tc.id); err != nil {
			t.Errorf("%s %s: %v", tc.sb.Flavor, tc.id, err)
		}
		if err := r.SendMessage(ctx, tc.sb, tc.id, "hello"); err != nil {
			t.Errorf("send %s: %v", tc.sb.Flavor, err)
		}
		if _, err := r.EventsBefore(ctx, tc.sb, tc.id, backend.PageQuery{Limit: 5}); err != nil {
			t.Errorf("events %s: %v", tc.sb.Flavor, err)
		}
	}
	if _, err := r.Conversation(ctx, v0, v1id); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("another conversation in a V0 sandbox: %v", err)
	}
	if err := r.StopConversation(ctx, v1, v1id); !errors.Is(err, backend.ErrUnsupported) {
		t.Errorf("stop on V1: %v", err)
	}
	if err := r.StopConversation(ctx, v0, v0id); err != nil {
		t.Errorf("stop on V0: %v", err)
	}

	var wg sync.WaitGroup
	for _, tc := range []struct {
		sb backend.Sandbox
		id string
	}{{v1, v1id}, {v0, v0id}} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sctx, stop := context.WithCancel(ctx)
			defer stop()
			n := 0
			for u := range r.StreamEvents(sctx, tc.sb, tc.id, backend.StreamOptions{}) {
				if n += len(u.Events); n > 0 && u.Conn.Phase == backend.ConnLive {
					stop()
				}
			}
			if n == 0 {
				t.Errorf("%s stream delivered nothing", tc.sb.Flavor)
			}
		}()
	}
	wg.Wait()
	var last backend.EventUpdate
	for u := range r.StreamEvents(ctx, backend.Sandbox{ID: "gone"}, v1id, backend.StreamOptions{}) {
		last = u
	}
	if last.Conn.Phase != backend.ConnClosed || !errors.Is(last.Conn.Err, backend.ErrUnavailable) {
		t.Errorf("stream of a sandbox without URL: %+v", last.Conn)
	}
}

func simOptionsV0() nestedv0.Options {
	return nestedv0.Options{PollInterval: 20 * time.Millisecond, StopInterval: 20 * time.Millisecond}
}

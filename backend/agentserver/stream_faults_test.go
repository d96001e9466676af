package agentserver

import (
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// TestStreamHistoryCutShortLosesNothing: a REST page that breaks off in
// the middle must not count its first events as delivered.
func TestStreamHistoryCutShortLosesNothing(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(40)
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, hasN(40)) {
		t.Fatal("no history")
	}
	f.set(func() { f.closeWith = 1011 })
	f.dropSockets()
	f.addMessages(60)
	f.set(func() { f.closeWith, f.truncate = 0, 1 })
	if !s.until(t, 5*time.Second, hasN(100)) {
		t.Fatalf("got %d of 100", len(s.events))
	}
	sameIDs(t, s.ids(), f.ids())
	if f.truncate != 0 {
		t.Error("the cut page was never served")
	}
}

func TestStreamFinalCloses(t *testing.T) {
	cases := []struct {
		name string
		prep func(*fakeServer)
		key  string
		conv string
		want error
	}{
		{"close 4001", func(f *fakeServer) { f.closeWith = 4001 }, "", fakeConv, backend.ErrUnauthorized},
		{"wrong key refused at handshake", nil, "wrong-key-000000", fakeConv, backend.ErrUnauthorized},
		{"close 4004", nil, "", "11111111-2222-3333-4444-555555555555", backend.ErrNotFound},
		{"bad id", nil, "", "not-a-uuid", backend.ErrInvalidID},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeServer(t, "1.44.0")
			if tc.prep != nil {
				tc.prep(f)
			}
			key := tc.key
			if key == "" {
				key = f.key
			}
			c := newTestClient(t, f, key)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			s := &sink{ch: c.StreamEvents(ctx, tc.conv, backend.StreamOptions{})}
			if !s.until(t, 5*time.Second, func(s *sink) bool { return s.closed }) {
				t.Fatalf("stream did not close; phase %v", s.last.Conn.Phase)
			}
			if st := s.last.Conn; st.Phase != backend.ConnClosed || !errors.Is(st.Err, tc.want) {
				t.Fatalf("final state %v err %v, want closed with %v", st.Phase, st.Err, tc.want)
			}
			if strings.Contains(s.last.Conn.Err.Error(), f.key) {
				t.Error("error text carries the session key")
			}
		})
	}
}

func TestStreamRetriesTooManySubscribers(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(3)
	f.closeWith = 1013
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, func(s *sink) bool {
		return s.last.Conn.Phase == backend.ConnReconnecting && s.last.Conn.Attempt >= 2
	}) {
		t.Fatal("1013 not retried")
	}
	if err := s.last.Conn.Err; err == nil || !strings.Contains(err.Error(), "1013") {
		t.Errorf("reconnecting error = %v", err)
	}
	if !s.last.Conn.NextRetry.After(s.last.Conn.Since) {
		t.Errorf("no retry time: %+v", s.last.Conn)
	}
	f.set(func() { f.closeWith = 0 })
	if !s.until(t, 5*time.Second, hasN(3)) {
		t.Fatal("never recovered")
	}
	sameIDs(t, s.ids(), f.ids())
}

func TestStreamSurvivesBadFrames(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(2)
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, hasN(2)) {
		t.Fatal("no history")
	}
	f.waitSubscribed(t)
	for _, junk := range []string{`{not json`, `{"kind":"MessageEvent"}`, "\xff\xfe", `[1,2,3]`, `{"id":"x\u001b[2J","timestamp":"t"}`} {
		f.publish([]byte(junk))
	}
	f.addMessages(3)
	if !s.until(t, 5*time.Second, func(s *sink) bool { return len(s.events) >= 5 && s.last.Skipped >= 5 }) {
		t.Fatalf("events %d skipped %d phases %v errs %v", len(s.events), s.last.Skipped, s.phases, s.errs)
	}
	sameIDs(t, s.ids(), f.ids())
	if s.last.Conn.Phase != backend.ConnLive {
		t.Errorf("bad frames cost the connection: %v", s.last.Conn)
	}
}

func TestStreamOversizedEvents(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	c := newTestClient(t, f, f.key, func(o *Options) { o.Stream.MaxFrame, o.Stream.IdleTimeout = 256<<10, 10*time.Second })
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnLive }) {
		t.Fatal("not live")
	}
	big := "first line of a huge output\n" + strings.Repeat("0123456789abcdef", 5<<20/16)
	f.add("ObservationEvent", "environment", map[string]any{
		"tool_name": "terminal", "action_id": "a1",
		"observation": map[string]any{"kind": "TerminalObservation", "exit_code": 0,
			"content": []any{map[string]any{"type": "text", "text": big}}},
	})
	f.addMessages(1)
	// The 5 MB frame is over this client's frame cap: skipped on the
	// socket, then fetched through REST; the connection stays up.
	if !s.until(t, 10*time.Second, hasN(2)) {
		t.Fatalf("events %d, state %v", len(s.events), s.last.Conn)
	}
	sameIDs(t, s.ids(), f.ids())
	ev := s.events[0]
	if ev.Summary != "← terminal [exit 0]: first line of a huge output" || ev.Raw != nil || ev.RawSize < 5<<20 {
		t.Errorf("oversized event: summary %q raw %d size %d", ev.Summary, len(ev.Raw), ev.RawSize)
	}
	if s.last.Skipped != 1 {
		t.Errorf("skipped = %d, want 1 (the oversized frame)", s.last.Skipped)
	}
}

func TestStreamSilentServerIsDetected(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(4)
	f.silent = true
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	// History arrives over REST even though the socket says nothing...
	if !s.until(t, 5*time.Second, hasN(4)) {
		t.Fatal("no history")
	}
	// ...and the silence (no frames, no pongs) is noticed and retried.
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnReconnecting }) {
		t.Fatal("silent socket never dropped")
	}
	if err := s.last.Conn.Err; err == nil || !strings.Contains(err.Error(), "silent") {
		t.Errorf("error = %v", err)
	}
	f.set(func() { f.silent = false })
	f.dropSockets()
	f.addMessages(2)
	if !s.until(t, 5*time.Second, hasN(6)) {
		t.Fatal("no recovery")
	}
	sameIDs(t, s.ids(), f.ids())
}

func TestStreamSlowRESTIsRetried(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(3)
	f.searchDelay = 400 * time.Millisecond
	c := newTestClient(t, f, f.key, func(o *Options) { o.Timeout = 100 * time.Millisecond })
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnReconnecting }) {
		t.Fatal("slow REST not reported")
	}
	if err := s.last.Conn.Err; !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "in time") {
		t.Errorf("error = %v", err)
	}
	f.set(func() { f.searchDelay = 0 })
	if !s.until(t, 5*time.Second, hasN(3)) {
		t.Fatal("no recovery")
	}
}

// TestStreamSlowSubscriptionLosesNothing: a server that neither sends its
// snapshot nor subscribes quickly; events stored in that gap, with no
// frame to announce them, must still arrive.
func TestStreamSlowSubscriptionLosesNothing(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(3)
	f.noSnapshot, f.subscribeDelay = true, 400*time.Millisecond
	c := newTestClient(t, f, f.key, func(o *Options) { o.Stream.ResyncDelay, o.Stream.IdleTimeout = 100*time.Millisecond, 10*time.Second })
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, hasN(3)) {
		t.Fatal("no history")
	}
	f.addMessages(2) // stored while the socket is not yet subscribed
	if !s.until(t, 5*time.Second, hasN(5)) {
		t.Fatalf("events stored before the subscription never arrived: %d", len(s.events))
	}
	sameIDs(t, s.ids(), f.ids())
}

// TestStreamRandomDropsLoseNothing cuts the socket at random moments while
// events are produced; the client must end with exactly the server's log.
func TestStreamRandomDropsLoseNothing(t *testing.T) {
	for _, version := range []string{"1.44.0", "1.1.0"} {
		t.Run(version, func(t *testing.T) {
			f := newFakeServer(t, version)
			c := newTestClient(t, f, f.key, func(o *Options) { o.Stream.Window = 64 })
			s, _ := startStream(t, c, backend.StreamOptions{})
			const total = 3000
			var wg sync.WaitGroup
			stop := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				for i := 0; i < total; i++ {
					f.addMessages(1)
					if i%5 == 0 {
						time.Sleep(time.Millisecond)
					}
				}
			}()
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(1, 2))
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Duration(5+r.IntN(30)) * time.Millisecond):
						if f.subscribers() > 0 { // a drop while redialling cuts nothing
							f.dropSockets()
						}
					}
				}
			}()
			ok := s.until(t, 30*time.Second, hasN(total))
			close(stop)
			wg.Wait()
			if !ok {
				t.Fatalf("got %d of %d events", len(s.events), total)
			}
			s.until(t, 200*time.Millisecond, func(*sink) bool { return false })
			sameIDs(t, s.ids(), f.ids())
			f.mu.Lock()
			sockets := f.wsCount
			f.mu.Unlock()
			if sockets < 5 {
				t.Errorf("only %d connections: the faults did not happen", sockets)
			}
			t.Logf("%d connections, %d events back-filled", sockets, s.backFilled)
		})
	}
}

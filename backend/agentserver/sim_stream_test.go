package agentserver

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/gorilla/websocket"

	"github.com/ohdash/ohdash/backend"
	sim "github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/faults"
)

func simStream(t *testing.T, c *Client, id string, opts backend.StreamOptions) *sink {
	ctx, cancel := context.WithCancel(context.Background())
	s := &sink{ch: c.StreamEvents(ctx, id, opts)}
	t.Cleanup(func() {
		cancel()
		for range s.ch {
		}
	})
	return s
}

func serverIDs(t *testing.T, srv *sim.Server, id string) []string {
	t.Helper()
	ids, err := srv.EventIDs(id)
	if err != nil {
		t.Fatal(err)
	}
	return ids
}

// settle reads until the client holds exactly the server's n events and
// the stream is live, then a little longer to catch late duplicates.
func (s *sink) settle(t *testing.T, n int, timeout time.Duration) bool {
	ok := s.until(t, timeout, func(s *sink) bool { return len(s.events) >= n && s.last.Conn.Phase == backend.ConnLive })
	s.until(t, 300*time.Millisecond, func(*sink) bool { return false })
	return ok
}

// TestSimStreamSurvivesRandomCuts is the fault test: 10,000 events are
// produced while the websocket is cut at random points (before random
// frames, and from outside at random times); the client must end with
// exactly the server's event list: same ids, same order, no duplicates.
func TestSimStreamSurvivesRandomCuts(t *testing.T) {
	for _, version := range []string{"1.44.0", "1.1.0"} {
		t.Run(version, func(t *testing.T) {
			srv, c := newSim(t, sim.Options{Version: version}, func(o *Options) { o.Stream.Window = 256 })
			id := seed(t, srv, sim.SeedSpec{Turns: 2})
			s := simStream(t, c, id, backend.StreamOptions{})
			if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnLive }) {
				t.Fatal("not live")
			}
			if err := srv.SetFaults(faults.Config{WSDropRate: 0.001}); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			stop := make(chan struct{})
			wg.Add(2)
			go func() {
				defer wg.Done()
				for i := 0; i < 200; i++ {
					if _, err := srv.Generate(id, 50); err != nil {
						t.Error(err)
						return
					}
					time.Sleep(2 * time.Millisecond)
				}
			}()
			go func() {
				defer wg.Done()
				r := rand.New(rand.NewPCG(7, 11))
				for {
					select {
					case <-stop:
						return
					case <-time.After(time.Duration(20+r.IntN(100)) * time.Millisecond):
						_ = srv.DropSockets(id)
					}
				}
			}()
			total := len(serverIDs(t, srv, id)) // grows; re-read below
			ok := s.until(t, 60*time.Second, func(s *sink) bool { return len(s.events) >= total+10000-50 })
			close(stop)
			wg.Wait()
			_ = srv.SetFaults(faults.Config{})
			want := serverIDs(t, srv, id)
			if !ok || !s.settle(t, len(want), 30*time.Second) {
				have := map[string]bool{}
				for _, id := range s.ids() {
					have[id] = true
				}
				var missing []int
				for i, id := range want {
					if !have[id] {
						missing = append(missing, i)
					}
				}
				t.Fatalf("client has %d of %d events, state %v; missing positions %v", len(s.events), len(want), s.last.Conn, missing)
			}
			sameIDs(t, s.ids(), want)
			t.Logf("%d events, %d back-filled over reconnects, %d frames skipped, %d phase changes", len(want), s.backFilled, s.last.Skipped, len(s.phases))
		})
	}
}

func TestSimStreamMalformedFrames(t *testing.T) {
	srv, c := newSim(t, sim.Options{Faults: faults.Config{MalformedEvery: 3}})
	id := seed(t, srv, sim.SeedSpec{Turns: 1})
	s := simStream(t, c, id, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnLive }) {
		t.Fatal("not live")
	}
	if _, err := srv.Generate(id, 300); err != nil {
		t.Fatal(err)
	}
	want := serverIDs(t, srv, id)
	if !s.settle(t, len(want), 10*time.Second) {
		t.Fatalf("%d of %d", len(s.events), len(want))
	}
	sameIDs(t, s.ids(), want)
	if s.last.Skipped == 0 || s.last.Conn.Phase != backend.ConnLive {
		t.Errorf("skipped %d, state %v", s.last.Skipped, s.last.Conn)
	}
}

func TestSimStreamOversizedAndHostileOutput(t *testing.T) {
	srv, c := newSim(t, sim.Options{Content: sim.Content{OversizedBytes: 5 << 20, Hostile: true}},
		func(o *Options) { o.Stream.IdleTimeout = 10 * time.Second })
	id := seed(t, srv, sim.SeedSpec{})
	s := simStream(t, c, id, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnLive }) {
		t.Fatal("not live")
	}
	sawTyping := false
	if err := srv.SendMessage(id, "print a lot \x1b]0;title\x07", true); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := srv.WaitStatus(ctx, id, sim.StatusFinished); err != nil {
		t.Fatal(err)
	}
	want := serverIDs(t, srv, id)
	if !s.until(t, 20*time.Second, func(s *sink) bool {
		sawTyping = sawTyping || s.last.Typing != ""
		checkSafe(t, "typing", s.last.Typing)
		return len(s.events) >= len(want)
	}) {
		t.Fatalf("%d of %d", len(s.events), len(want))
	}
	sameIDs(t, s.ids(), want)
	big := 0
	for _, e := range s.events {
		checkSafe(t, e.Kind, e.Summary)
		if len(e.Summary) > maxSummary {
			t.Errorf("summary of %d bytes", len(e.Summary))
		}
		if e.RawSize > 5<<20 {
			big++
		}
	}
	if big == 0 {
		t.Error("no 5 MB event seen")
	}
}

// checkSafe fails on anything a terminal would interpret.
func checkSafe(t *testing.T, what, s string) {
	t.Helper()
	if !utf8.ValidString(s) {
		t.Errorf("%s: invalid UTF-8 in %q", what, s)
	}
	for _, r := range s {
		if (r < 0x20 && r != '\t') || (r >= 0x7f && r <= 0x9f) {
			t.Errorf("%s: control character %U in %q", what, r, s)
			return
		}
	}
}

func TestSimStreamSlowAndSilentServers(t *testing.T) {
	srv, c := newSim(t, sim.Options{}, func(o *Options) {
		o.Timeout = 150 * time.Millisecond
		o.Stream.DialTimeout = 150 * time.Millisecond
	})
	id := seed(t, srv, sim.SeedSpec{Turns: 1})
	for _, fault := range []faults.Config{{Latency: faults.Duration(400 * time.Millisecond)}, {Hang: true}} {
		_ = srv.SetFaults(fault)
		s := simStream(t, c, id, backend.StreamOptions{})
		if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnReconnecting }) {
			t.Fatalf("%+v: no reconnecting state", fault)
		}
		if err := s.last.Conn.Err; !errors.Is(err, backend.ErrUnavailable) {
			t.Errorf("%+v: error %v", fault, err)
		}
		_ = srv.SetFaults(faults.Config{})
		want := serverIDs(t, srv, id)
		if !s.settle(t, len(want), 10*time.Second) {
			t.Fatalf("%+v: no recovery: %v", fault, s.last.Conn)
		}
		sameIDs(t, s.ids(), want)
	}
}

func TestSimStreamFinalCloses(t *testing.T) {
	srv, c := newSim(t, sim.Options{})
	id := seed(t, srv, sim.SeedSpec{})
	bad, _ := New(c.BaseURL(), backend.NewSecret("wrong-key-0000000"), Options{Stream: fastTuning()})
	defer bad.api.HTTP.CloseIdleConnections()
	for name, tc := range map[string]struct {
		c    *Client
		id   string
		want error
	}{
		"wrong key": {bad, id, backend.ErrUnauthorized},
		"unknown":   {c, "11111111-2222-3333-4444-555555555555", backend.ErrNotFound},
	} {
		s := simStream(t, tc.c, tc.id, backend.StreamOptions{})
		if !s.until(t, 5*time.Second, func(s *sink) bool { return s.closed }) {
			t.Fatalf("%s: not closed: %v", name, s.last.Conn)
		}
		if !errors.Is(s.last.Conn.Err, tc.want) || s.last.Conn.Phase != backend.ConnClosed {
			t.Errorf("%s: %v %v", name, s.last.Conn.Phase, s.last.Conn.Err)
		}
	}
}

func TestSimStreamRetriesWhenSubscribersAreFull(t *testing.T) {
	srv, c := newSim(t, sim.Options{})
	id := seed(t, srv, sim.SeedSpec{Turns: 1})
	target := strings.Replace(c.BaseURL(), "http", "ws", 1) + "/sockets/events/" + id + "?session_api_key=" + simKey
	var hogs []*websocket.Conn
	for srv.Subscribers(id) < 50 {
		ws, resp, err := websocket.DefaultDialer.Dial(target, http.Header{})
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		hogs = append(hogs, ws)
		go func() {
			for {
				if _, _, err := ws.ReadMessage(); err != nil {
					return
				}
			}
		}()
	}
	s := simStream(t, c, id, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Attempt >= 2 }) {
		t.Fatalf("no retries: %v", s.last.Conn)
	}
	if err := s.last.Conn.Err; err == nil || !strings.Contains(err.Error(), "1013") {
		t.Errorf("error %v", err)
	}
	for _, ws := range hogs {
		ws.Close()
	}
	want := serverIDs(t, srv, id)
	if !s.settle(t, len(want), 10*time.Second) {
		t.Fatalf("no recovery: %v", s.last.Conn)
	}
	sameIDs(t, s.ids(), want)
}

func TestSimStreamTailAndHistory(t *testing.T) {
	srv, c := newSim(t, sim.Options{Version: "1.1.0"})
	id := seed(t, srv, sim.SeedSpec{Turns: 1, Events: 1000})
	all := serverIDs(t, srv, id)
	s := simStream(t, c, id, backend.StreamOptions{Tail: 150})
	if !s.settle(t, 150, 10*time.Second) {
		t.Fatal("no tail")
	}
	sameIDs(t, s.ids(), all[len(all)-150:])
	history := s.events
	for {
		p, err := c.EventsBefore(context.Background(), id, backend.PageQuery{Before: history[0]})
		if err != nil {
			t.Fatal(err)
		}
		history = append(p.Events, history...)
		if !p.More {
			break
		}
	}
	ids := make([]string, len(history))
	for i, e := range history {
		ids[i] = e.ID
	}
	sameIDs(t, ids, all)
	_ = srv.DropSockets(id) // a resend_all replay must not bring old events in
	if _, err := srv.Generate(id, 10); err != nil {
		t.Fatal(err)
	}
	if !s.settle(t, 160, 10*time.Second) {
		t.Fatal("no live events")
	}
	sameIDs(t, s.ids(), serverIDs(t, srv, id)[len(all)-150:])
}

// TestSimStreamPeriodicDrops: a socket cut a short while after every
// connect (as a flaky proxy does), while events keep coming.
func TestSimStreamPeriodicDrops(t *testing.T) {
	srv, c := newSim(t, sim.Options{Faults: faults.Config{WSDropAfter: faults.Duration(150 * time.Millisecond)}})
	id := seed(t, srv, sim.SeedSpec{Turns: 1})
	s := simStream(t, c, id, backend.StreamOptions{})
	deadline := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(deadline) {
		if _, err := srv.Generate(id, 7); err != nil {
			t.Fatal(err)
		}
		s.until(t, 20*time.Millisecond, func(*sink) bool { return false })
	}
	_ = srv.SetFaults(faults.Config{})
	want := serverIDs(t, srv, id)
	if !s.settle(t, len(want), 10*time.Second) {
		t.Fatalf("%d of %d", len(s.events), len(want))
	}
	sameIDs(t, s.ids(), want)
	reconnects := 0
	for _, p := range s.phases {
		if p == backend.ConnReconnecting {
			reconnects++
		}
	}
	if reconnects < 3 {
		t.Errorf("only %d reconnects seen: the drops did not happen", reconnects)
	}
	t.Logf("%d events over %d reconnects, %d back-filled", len(want), reconnects, s.backFilled)
}

package agentserver

import (
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	sim "github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/faults"
)

// newFrozenSim is newSim with a Freezer in front of the server: freezing
// it holds every byte on every connection (REST and websocket) without
// closing anything, as a wedged proxy or a dead network path does.
func newFrozenSim(t *testing.T, mod ...func(*Options)) (*sim.Server, *Client, *faults.Freezer) {
	t.Helper()
	srv, err := sim.New(sim.Options{Keys: []string{simKey}})
	if err != nil {
		t.Fatal(err)
	}
	fr := &faults.Freezer{}
	ts := httptest.NewUnstartedServer(srv)
	ts.Listener = fr.Listener(ts.Listener)
	ts.Start()
	o := Options{Timeout: 5 * time.Second, Stream: fastTuning()}
	// Pings well within the idle limit; the answer deadline keeps its
	// default, so the test measures the shipped one.
	o.Stream.PingInterval, o.Stream.IdleTimeout = 200*time.Millisecond, 30*time.Second
	for _, m := range mod {
		m(&o)
	}
	c, err := New(ts.URL, backend.NewSecret(simKey), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
		c.api.HTTP.CloseIdleConnections()
	})
	t.Cleanup(fr.Thaw) // runs first: held reads and writes end
	return srv, c, fr
}

func phase(p backend.ConnPhase) func(*sink) bool {
	return func(s *sink) bool { return s.last.Conn.Phase == p }
}

// TestFaultStreamFrozenSocketSaysNotAnswering: a websocket that stops
// carrying bytes without closing shows as not answering within a few
// seconds (it showed "live" until the 60 s idle limit), keeps its socket
// open, and goes back to live at the first answer after the thaw, with
// the events published meanwhile delivered once each and in order.
func TestFaultStreamFrozenSocketSaysNotAnswering(t *testing.T) {
	srv, c, fr := newFrozenSim(t)
	id := seed(t, srv, sim.SeedSpec{Turns: 2})
	s := simStream(t, c, id, backend.StreamOptions{})
	if !s.settle(t, len(serverIDs(t, srv, id)), 5*time.Second) {
		t.Fatal("not live")
	}
	fr.Freeze()
	frozeAt := time.Now()
	if _, err := srv.Generate(id, 30); err != nil {
		t.Fatal(err)
	}
	if !s.until(t, 8*time.Second, phase(backend.ConnUnresponsive)) {
		t.Fatalf("a frozen socket still shows %q after 8s", s.last.Conn.Describe(time.Now()))
	}
	st := s.last.Conn
	t.Logf("not answering reported %s after the freeze: %q", time.Since(frozeAt).Round(100*time.Millisecond), st.Describe(time.Now()))
	if st.LastAnswer.IsZero() || st.LastAnswer.After(frozeAt.Add(time.Second)) {
		t.Errorf("LastAnswer %v, the freeze began at %v", st.LastAnswer, frozeAt)
	}
	if d := st.Describe(time.Now()); !strings.HasPrefix(d, "not answering for ") {
		t.Errorf("Describe = %q", d)
	}
	fr.Thaw()
	want := serverIDs(t, srv, id)
	if !s.settle(t, len(want), 5*time.Second) {
		t.Fatalf("after the thaw: %d of %d events, phase %v", len(s.events), len(want), s.last.Conn.Phase)
	}
	sameIDs(t, s.ids(), want)
	if slices.Contains(s.phases, backend.ConnReconnecting) {
		t.Errorf("the socket was dropped (phases %v); a freeze shorter than the idle limit keeps it", s.phases)
	}
	if n := srv.Subscribers(id); n != 1 {
		t.Errorf("%d subscribers, want the one socket kept open", n)
	}
}

// TestFaultStreamFrozenPastIdleLimitRedials: a freeze longer than the
// idle limit first shows as not answering, then drops the socket and
// redials; after the thaw the stream is live again with every event
// published during the freeze, once each and in order.
func TestFaultStreamFrozenPastIdleLimitRedials(t *testing.T) {
	// The idle limit leaves room for the not-answering phase first: a
	// ping cycle and the answer deadline (4 s at most here).
	srv, c, fr := newFrozenSim(t, func(o *Options) { o.Stream.IdleTimeout = 6 * time.Second })
	id := seed(t, srv, sim.SeedSpec{Turns: 2})
	s := simStream(t, c, id, backend.StreamOptions{})
	if !s.settle(t, len(serverIDs(t, srv, id)), 5*time.Second) {
		t.Fatal("not live")
	}
	fr.Freeze()
	if _, err := srv.Generate(id, 40); err != nil {
		t.Fatal(err)
	}
	if !s.until(t, 8*time.Second, phase(backend.ConnUnresponsive)) {
		t.Fatalf("a frozen socket still shows %q (phases %v, errs %v)", s.last.Conn.Describe(time.Now()), s.phases, s.errs)
	}
	if !s.until(t, 8*time.Second, phase(backend.ConnReconnecting)) {
		t.Fatalf("a socket frozen past the idle limit was not dropped: %q", s.last.Conn.Describe(time.Now()))
	}
	if err := s.last.Conn.Err; err == nil || !strings.Contains(err.Error(), "silent") {
		t.Errorf("reconnect reason = %v", err)
	}
	fr.Thaw()
	if _, err := srv.Generate(id, 10); err != nil {
		t.Fatal(err)
	}
	want := serverIDs(t, srv, id)
	if !s.settle(t, len(want), 15*time.Second) {
		t.Fatalf("after the thaw: %d of %d events, phase %v", len(s.events), len(want), s.last.Conn.Phase)
	}
	sameIDs(t, s.ids(), want)
}

// TestFaultStreamSlowConsumerIsNotUnresponsive: a consumer that stops
// reading makes the socket's reader wait (back-pressure), so pongs sit
// unread; that silence is ours, not the server's, and must not be
// reported as a server that does not answer.
func TestFaultStreamSlowConsumerIsNotUnresponsive(t *testing.T) {
	srv, c, _ := newFrozenSim(t, func(o *Options) { o.Stream.MaxPending, o.Stream.AnswerDeadline = 8, 300*time.Millisecond })
	id := seed(t, srv, sim.SeedSpec{Turns: 1})
	s := simStream(t, c, id, backend.StreamOptions{})
	if !s.settle(t, len(serverIDs(t, srv, id)), 5*time.Second) {
		t.Fatal("not live")
	}
	if _, err := srv.Generate(id, 400); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second) // nobody reads: several ping cycles
	// The first update may have been taken before the stall; the second
	// is the state after it.
	for range 2 {
		u, ok := <-s.ch
		if !ok || u.Conn.Phase != backend.ConnLive {
			t.Fatalf("after a stalled consumer the stream says %q", u.Conn.Describe(time.Now()))
		}
		s.events = append(s.events, u.Events...)
	}
	want := serverIDs(t, srv, id)
	if !s.settle(t, len(want), 10*time.Second) {
		t.Fatalf("%d of %d", len(s.events), len(want))
	}
	sameIDs(t, s.ids(), want)
}

package agentserver

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ohdash/ohdash/backend"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fastTuning shortens every timer so fault tests run in milliseconds.
func fastTuning() StreamTuning {
	return StreamTuning{
		ReadyGrace: 150 * time.Millisecond, PingInterval: 50 * time.Millisecond,
		IdleTimeout: 300 * time.Millisecond, DialTimeout: 2 * time.Second, ResyncDelay: 10 * time.Millisecond,
		NewBackoff: func() *backend.Backoff {
			return &backend.Backoff{Min: 5 * time.Millisecond, Max: 40 * time.Millisecond, Jitter: 0.2}
		},
	}
}

func newTestClient(t *testing.T, f *fakeServer, key string, mod ...func(*Options)) *Client {
	t.Helper()
	opts := Options{Stream: fastTuning(), Timeout: 5 * time.Second}
	for _, m := range mod {
		m(&opts)
	}
	c, err := New(f.srv.URL, backend.NewSecret(key), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.api.HTTP.CloseIdleConnections)
	return c
}

// sink consumes a stream and remembers what it saw.
type sink struct {
	ch         <-chan backend.EventUpdate
	events     []backend.Event
	last       backend.EventUpdate
	backFilled int
	phases     []backend.ConnPhase
	errs       []error
	closed     bool
}

func startStream(t *testing.T, c *Client, opts backend.StreamOptions) (*sink, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	s := &sink{ch: c.StreamEvents(ctx, fakeConv, opts)}
	t.Cleanup(func() {
		cancel()
		for range s.ch {
		}
	})
	return s, cancel
}

// until reads updates until cond holds; false on timeout or close.
func (s *sink) until(t *testing.T, timeout time.Duration, cond func(*sink) bool) bool {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for !cond(s) {
		select {
		case u, ok := <-s.ch:
			if !ok {
				s.closed = true
				return cond(s)
			}
			s.events = append(s.events, u.Events...)
			s.backFilled += u.BackFilled
			if n := len(s.phases); n == 0 || s.phases[n-1] != u.Conn.Phase {
				s.phases = append(s.phases, u.Conn.Phase)
			}
			if u.Conn.Err != nil {
				s.errs = append(s.errs, u.Conn.Err)
			}
			s.last = u
		case <-deadline.C:
			return false
		}
	}
	return true
}

func (s *sink) ids() []string {
	out := make([]string, len(s.events))
	for i, e := range s.events {
		out[i] = e.ID
	}
	return out
}

func hasN(n int) func(*sink) bool {
	return func(s *sink) bool { return len(s.events) >= n && s.last.Conn.Phase == backend.ConnLive }
}

func sameIDs(t *testing.T, got, want []string) {
	t.Helper()
	if slices.Equal(got, want) {
		return
	}
	seen := map[string]int{}
	for _, id := range got {
		seen[id]++
	}
	dups := 0
	for _, n := range seen {
		if n > 1 {
			dups++
		}
	}
	i := 0
	for i < min(len(got), len(want)) && got[i] == want[i] {
		i++
	}
	t.Fatalf("event ids differ: got %d (%d duplicated), want %d; first difference at %d", len(got), dups, len(want), i)
}

func TestStreamHistoryThenLive(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(250)
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, hasN(250)) {
		t.Fatalf("got %d events, phase %v", len(s.events), s.last.Conn.Phase)
	}
	f.addMessages(10)
	if !s.until(t, 5*time.Second, hasN(260)) {
		t.Fatalf("live events: got %d", len(s.events))
	}
	sameIDs(t, s.ids(), f.ids())
	if s.last.Status != backend.ExecRunning {
		t.Errorf("status from the snapshot = %q", s.last.Status)
	}
	if s.backFilled != 0 {
		t.Errorf("first load counted as back-filled: %d", s.backFilled)
	}
	if got := s.events[3].Summary; got != "agent> message 3" {
		t.Errorf("summary = %q", got)
	}
	f.mu.Lock()
	q := f.wsQuery[0]
	f.mu.Unlock()
	if strings.Contains(q, "resend") {
		t.Errorf("a fresh stream on 1.44 should not ask for a replay (REST loads history): %q", q)
	}
}

func TestStreamReconnectResumesSinceLastTimestamp(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(40)
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, hasN(40)) {
		t.Fatal("no initial history")
	}
	lastTS := s.events[39].Timestamp
	f.set(func() { f.closeWith = 1011 }) // keep it down for a while
	f.dropSockets()
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnReconnecting }) {
		t.Fatal("drop not reported")
	}
	f.addMessages(30)
	f.set(func() { f.closeWith = 0 })
	if !s.until(t, 5*time.Second, hasN(70)) {
		t.Fatalf("after reconnect: %d events", len(s.events))
	}
	sameIDs(t, s.ids(), f.ids())
	if s.backFilled != 30 {
		t.Errorf("back-filled = %d, want 30", s.backFilled)
	}
	f.mu.Lock()
	q := f.wsQuery[len(f.wsQuery)-1]
	f.mu.Unlock()
	if !strings.Contains(q, "resend_mode=since") || !strings.Contains(q, "after_timestamp="+strings.ReplaceAll(lastTS, ":", "%3A")) {
		t.Errorf("reconnect query %q should resume since %s", q, lastTS)
	}
	if st := s.last.Conn; st.LastRefresh.IsZero() || st.Err != nil {
		t.Errorf("live state after recovery: %+v", st)
	}
}

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

func TestStreamOldServerReplaysAllAndDedupes(t *testing.T) {
	f := newFakeServer(t, "1.1.0")
	f.addMessages(120)
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, hasN(120)) {
		t.Fatal("no history")
	}
	for i := 0; i < 3; i++ {
		f.dropSockets()
		f.addMessages(5)
		if !s.until(t, 5*time.Second, hasN(120+5*(i+1))) {
			t.Fatalf("round %d: %d events", i, len(s.events))
		}
	}
	// Let the last replay arrive in full before comparing.
	s.until(t, 300*time.Millisecond, func(*sink) bool { return false })
	sameIDs(t, s.ids(), f.ids())
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, q := range f.wsQuery {
		if q != "resend_all=true" {
			t.Errorf("1.1 server got query %q, want resend_all=true", q)
		}
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
	for _, junk := range []string{`{not json`, `{"kind":"MessageEvent"}`, "\xff\xfe", `[1,2,3]`, `{"id":"x\u001b[2J","timestamp":"t"}`} {
		f.publish([]byte(junk))
	}
	f.addMessages(3)
	if !s.until(t, 5*time.Second, func(s *sink) bool { return len(s.events) >= 5 && s.last.Skipped >= 5 }) {
		t.Fatalf("events %d skipped %d", len(s.events), s.last.Skipped)
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

func TestStreamTypingAndTransients(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnLive }) {
		t.Fatal("not live")
	}
	for i, d := range []string{"Hel", "lo\nwor", "ld \x1b]0;pwned\x07"} {
		raw, _ := json.Marshal(map[string]any{"id": fmt.Sprint("delta-", i), "timestamp": "2026-06-16T05:39:20",
			"source": "agent", "kind": "StreamingDeltaEvent", "content": d})
		f.publish(raw)
	}
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Typing == "world" }) {
		t.Fatalf("typing = %q", s.last.Typing)
	}
	f.publish([]byte(`{"id":"se1","timestamp":"2026-06-16T05:39:21","source":"environment","kind":"ServerErrorEvent","code":"ValidationError","detail":"bad \u001b[31mframe"}`))
	f.addMessages(1)
	if !s.until(t, 5*time.Second, func(s *sink) bool { return len(s.events) == 2 && s.last.Typing == "" }) {
		t.Fatalf("events %d typing %q", len(s.events), s.last.Typing)
	}
	if e := s.events[0]; !e.Transient || !e.Failed || e.Summary != "server error ValidationError: bad frame" {
		t.Errorf("server error event: %+v", e)
	}
}

func TestStreamStatusAndUsage(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	f.add("ConversationStateUpdateEvent", "environment", map[string]any{"key": "execution_status", "value": "waiting_for_confirmation"})
	f.add("ConversationStateUpdateEvent", "environment", map[string]any{"key": "stats", "value": map[string]any{
		"usage_to_metrics": map[string]any{
			"default":   map[string]any{"accumulated_cost": 0.25, "accumulated_token_usage": map[string]any{"prompt_tokens": 100, "completion_tokens": 7}},
			"condenser": map[string]any{"accumulated_cost": 0.5, "accumulated_token_usage": map[string]any{"prompt_tokens": 10}},
		}}})
	if !s.until(t, 5*time.Second, func(s *sink) bool { return len(s.events) == 2 && s.last.HaveStats }) {
		t.Fatal("no state events")
	}
	u := s.last
	if u.Status != backend.ExecWaitingForConfirmation || !u.Status.NeedsAttention() {
		t.Errorf("status %q", u.Status)
	}
	if u.Cost != 0.75 || u.Tokens.Prompt != 110 || u.Tokens.Completion != 7 {
		t.Errorf("usage %v %+v", u.Cost, u.Tokens)
	}
	if !s.events[0].Quiet || s.events[0].Summary != "status: waiting_for_confirmation" {
		t.Errorf("state event %+v", s.events[0])
	}
}

func TestStreamTailThenPageBack(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(500)
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{Tail: 120})
	if !s.until(t, 5*time.Second, hasN(120)) {
		t.Fatal("no tail")
	}
	all := f.ids()
	sameIDs(t, s.ids(), all[380:])
	// Page back to the start and check nothing is skipped or repeated.
	got := s.events
	for {
		p, err := c.EventsBefore(context.Background(), fakeConv, backend.PageQuery{Before: got[0], Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		got = append(p.Events, got...)
		if !p.More {
			break
		}
	}
	ids := make([]string, len(got))
	for i, e := range got {
		ids[i] = e.ID
	}
	sameIDs(t, ids, all)
	// Old events replayed by a reconnect are not delivered again.
	f.dropSockets()
	f.addMessages(1)
	if !s.until(t, 5*time.Second, hasN(121)) {
		t.Fatal("no live event after the tail")
	}
	sameIDs(t, s.ids(), f.ids()[380:])
}

func TestEventsBeforeSplitsTimestampGroups(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(5)
	f.sameStamp = true
	f.addMessages(7) // seven events share one timestamp
	f.sameStamp = false
	f.addMessages(5)
	c := newTestClient(t, f, f.key)
	all, err := c.SearchEvents(context.Background(), fakeConv, EventQuery{})
	if err != nil {
		t.Fatal(err)
	}
	// Page back from inside the group, three at a time.
	held := all.Events[9:]
	for {
		p, err := c.EventsBefore(context.Background(), fakeConv, backend.PageQuery{Before: held[0], Limit: 3})
		if err != nil {
			t.Fatal(err)
		}
		held = append(p.Events, held...)
		if !p.More {
			break
		}
	}
	ids := make([]string, len(held))
	for i, e := range held {
		ids[i] = e.ID
	}
	sameIDs(t, ids, f.ids())
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

func TestStreamCancelReleasesEverything(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	f.addMessages(10)
	c := newTestClient(t, f, f.key)
	ctx, cancel := context.WithCancel(context.Background())
	s := &sink{ch: c.StreamEvents(ctx, fakeConv, backend.StreamOptions{})}
	if !s.until(t, 5*time.Second, hasN(10)) {
		t.Fatal("not live")
	}
	cancel()
	if !s.until(t, 2*time.Second, func(s *sink) bool { return s.closed }) {
		t.Fatal("channel not closed after cancel")
	}
	if n := streamGoroutines(); n != "" {
		t.Fatalf("stream goroutines left after close:\n%s", n)
	}
}

// streamGoroutines lists live goroutines running this package's stream
// code (the fake server's own goroutines are not counted).
func streamGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var left []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "agentserver.(*stream)") || strings.Contains(g, "agentserver.(*clientkit.Outbox)") ||
			strings.Contains(g, "agentserver.(*wsConn)") {
			left = append(left, g)
		}
	}
	return strings.Join(left, "\n\n")
}

func TestWindowIsBounded(t *testing.T) {
	w := newWindow(100)
	ts := func(i int) string { return fmt.Sprintf("2026-06-16T05:39:%02d.%06d", i/1000000, i%1000000) }
	for i := 0; i < 100000; i++ {
		if !w.accept(fmt.Sprint(i), ts(i)) {
			t.Fatalf("event %d refused", i)
		}
	}
	if len(w.ids) != 100 {
		t.Fatalf("window holds %d ids", len(w.ids))
	}
	// A full replay is refused: forgotten events by the floor, recent
	// ones by id.
	for i := 0; i < 100000; i++ {
		if w.accept(fmt.Sprint(i), ts(i)) {
			t.Fatalf("replayed event %d accepted", i)
		}
	}
	if !w.accept("new", ts(100000)) || w.last != ts(100000) {
		t.Fatal("new event refused")
	}
}

package agentserver

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// fastTuning shortens every timer so fault tests run in milliseconds.
// sink consumes a stream and remembers what it saw.
// until reads updates until cond holds; false on timeout or close.
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

func TestStreamTypingAndTransients(t *testing.T) {
	f := newFakeServer(t, "1.44.0")
	c := newTestClient(t, f, f.key)
	s, _ := startStream(t, c, backend.StreamOptions{})
	if !s.until(t, 5*time.Second, func(s *sink) bool { return s.last.Conn.Phase == backend.ConnLive }) {
		t.Fatal("not live")
	}
	f.waitSubscribed(t)
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
	// The reader has said it is done (close waits for that) but may still
	// be returning from its deferred calls: give it a moment, not more.
	left := streamGoroutines()
	for deadline := time.Now().Add(time.Second); left != "" && time.Now().Before(deadline); left = streamGoroutines() {
		time.Sleep(5 * time.Millisecond)
	}
	if left != "" {
		t.Fatalf("stream goroutines left a second after close:\n%s", left)
	}
}

// streamGoroutines lists live goroutines running this package's stream
// code (the fake server's own goroutines are not counted).
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

package alert

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

// recorder is a channel that records what it is sent.
type recorder struct {
	mu  sync.Mutex
	got []Alert
}

func (r *recorder) Name() string { return "rec" }
func (r *recorder) Send(_ context.Context, a Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, a)
	return nil
}

// drain takes what the dispatcher queued for lane i without running it.
func drain(d *Dispatcher, i int) []Alert {
	var out []Alert
	for {
		select {
		case a := <-d.lanes[i].q:
			out = append(out, a)
		default:
			return out
		}
	}
}

func TestDispatcherRateLimitSummarises(t *testing.T) {
	now := t0
	d := NewDispatcher(Options{PerMinute: 3, Now: func() time.Time { return now }}, &recorder{}, NewFeed(100).List())
	for i := range 10 {
		d.Notify(Alert{Kind: ConvWaiting, To: "waiting_for_confirmation", Conversation: string(rune('a' + i))})
	}
	if got := drain(d, 0); len(got) != 3 {
		t.Fatalf("limited lane sent %d, want 3", len(got))
	}
	if got := drain(d, 1); len(got) != 10 {
		t.Fatalf("unlimited list lane got %d, want 10", len(got))
	}
	now = now.Add(30 * time.Second)
	d.Flush()
	if got := drain(d, 0); len(got) != 0 {
		t.Fatalf("summary before the minute is over: %+v", got)
	}
	now = now.Add(31 * time.Second)
	d.Flush()
	got := drain(d, 0)
	if len(got) != 1 || got[0].Kind != Suppressed || !strings.Contains(got[0].Title, "7 more") {
		t.Fatalf("summary = %+v", got)
	}
	d.Flush()
	if got := drain(d, 0); len(got) != 0 {
		t.Fatalf("summary repeated: %+v", got)
	}
	d.Notify(Alert{Kind: ConvError, To: "error"})
	if got := drain(d, 0); len(got) != 1 {
		t.Fatalf("new window: %d sent", len(got))
	}
}

func TestDispatcherKindFilter(t *testing.T) {
	d := NewDispatcher(Options{Kinds: []Kind{ConvWaiting, Budget}}, &recorder{})
	for _, k := range []Kind{ConvWaiting, ConvFinished, SandboxDied, Budget} {
		d.Notify(Alert{Kind: k, To: string(k)})
	}
	got := drain(d, 0)
	if len(got) != 2 || got[0].Kind != ConvWaiting || got[1].Kind != Budget {
		t.Fatalf("got %+v", got)
	}
}

func TestDispatcherRunDelivers(t *testing.T) {
	r := &recorder{}
	d := NewDispatcher(Options{}, r)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan struct{})
	go func() { d.Run(ctx); close(done) }()
	d.Notify(Alert{Kind: Budget, To: "crossed", Title: "hourly budget crossed"})
	deadline := time.Now().Add(5 * time.Second)
	for {
		r.mu.Lock()
		n := len(r.got)
		r.mu.Unlock()
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("not delivered")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	<-done
	if r.got[0].Time.IsZero() {
		t.Error("time not stamped")
	}
}

package bulk

import (
	"context"
	"errors"
	"testing"
	"time"
)

// TestFaultRowThatIgnoresItsTimeout: a row whose action hangs without
// honouring its context (a backend call stuck in a lock, a driver that
// never looks at ctx) is reported failed at the per-row timeout, left
// marked, and the batch ends: the dashboard never shows "3/4" for ever.
func TestFaultRowThatIgnoresItsTimeout(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	items := []Item{
		{Key: "a", Label: "a", Run: func(context.Context) error { return nil }},
		{Key: "hang", Label: "hang", Run: func(context.Context) error { <-release; return nil }},
		{Key: "c", Label: "c", Run: func(context.Context) error { return nil }},
	}
	p := Progress{N: len(items), Noun: "sandboxes", Past: "deleted"}
	done := make(chan Progress, 1)
	go func() {
		msg := Start(context.Background(), 1, items, 100*time.Millisecond)()
		q := p
		for {
			r, ok := msg.(ResultMsg)
			if !ok {
				break
			}
			q = q.Add(r)
			msg = Next(r)()
		}
		done <- q
	}()
	select {
	case p = <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("the batch never ends: a hung row holds it")
	}
	if p.Done != 3 || len(p.Failed) != 1 || p.Failed[0][:5] != "hang:" {
		t.Fatalf("progress %+v", p)
	}
}

// The timeout error is the context's, so callers can tell it apart.
func TestFaultRowTimeoutIsDeadline(t *testing.T) {
	it := Item{Run: func(context.Context) error { select {} }}
	if err := run(context.Background(), it, 10*time.Millisecond); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

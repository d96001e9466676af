package demo

import (
	"context"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// The default seed is chosen so the demo shows running, paused and failing
// sandboxes: a newcomer sees every state the dashboard renders.
func TestDefaultSeedShowsEveryKindOfSandbox(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	d, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sbs, err := d.Backend.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[backend.Status]int{}
	for _, s := range sbs {
		seen[s.Status]++
	}
	if len(sbs) != 6 || seen[backend.StatusRunning] == 0 || seen[backend.StatusPaused] == 0 || seen[backend.StatusError] == 0 {
		t.Fatalf("default demo: %d sandboxes %v; want 6 with running, paused and error ones", len(sbs), seen)
	}
}

func TestLogsAreSanitisedAndFollow(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	d, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	sbs, err := d.Backend.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var running string
	for _, s := range sbs {
		if s.Status == backend.StatusRunning {
			running = s.ID
			break
		}
	}
	if running == "" {
		t.Fatal("the demo has no running sandbox")
	}
	ls := d.Backend.(backend.LogStreamer)
	ch, err := ls.Logs(ctx, running, backend.LogOptions{Follow: true, Tail: 10})
	if err != nil {
		t.Fatal(err)
	}
	var lines []logbuf.Line
	for b := range ch {
		lines = append(lines, b.Lines...)
		if len(lines) > 10 {
			break
		}
	}
	if len(lines) <= 10 {
		t.Fatalf("got %d lines: no live line after the 10 of history", len(lines))
	}
	for _, l := range lines {
		if l.Time.IsZero() || l.Text == "" {
			t.Fatalf("line %+v lacks a time or text", l)
		}
	}
	if _, err := ls.Logs(ctx, "nope", backend.LogOptions{}); err == nil {
		t.Fatal("logs of an unknown sandbox must fail")
	}
}

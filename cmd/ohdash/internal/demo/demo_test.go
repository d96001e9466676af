package demo

import (
	"context"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// startDemo starts the default demo and lists its sandboxes.
func startDemo(t *testing.T) (context.Context, *Demo, []backend.Sandbox) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	d, err := Start(ctx, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(d.Close)
	sbs, err := d.Backend.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return ctx, d, sbs
}

// The default seed is chosen so the demo shows running, paused and failing
// sandboxes: a newcomer sees every state the dashboard renders.
func TestDefaultSeedShowsEveryKindOfSandbox(t *testing.T) {
	_, _, sbs := startDemo(t)
	seen := map[backend.Status]int{}
	for _, s := range sbs {
		seen[s.Status]++
	}
	if len(sbs) != 6 || seen[backend.StatusRunning] == 0 || seen[backend.StatusPaused] == 0 || seen[backend.StatusError] == 0 {
		t.Fatalf("default demo: %d sandboxes %v; want 6 with running, paused and error ones", len(sbs), seen)
	}
}

func TestLogsAreSanitisedAndFollow(t *testing.T) {
	ctx, d, sbs := startDemo(t)
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

// The demo has a simulated app-server beside the runtime API: its
// sandboxes (one paused) and conversations are listed through the real
// openhands backend, with no network beyond loopback.
func TestDemoHasAnAppServer(t *testing.T) {
	ctx, d, _ := startDemo(t)
	sbs, err := d.Cloud.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[backend.Status]int{}
	for _, sb := range sbs {
		seen[sb.Status]++
		if sb.Source != CloudName {
			t.Fatalf("source %q", sb.Source)
		}
	}
	if len(sbs) != 3 || seen[backend.StatusRunning] != 2 || seen[backend.StatusPaused] != 1 {
		t.Fatalf("app-server sandboxes %v", seen)
	}
	convs, err := d.Cloud.AppConversations(ctx)
	if err != nil {
		t.Fatal(err)
	}
	subs := 0
	for _, c := range convs {
		if c.ParentID != "" {
			subs++
		}
	}
	if len(convs) != 7 || subs != 1 {
		t.Fatalf("%d app conversations (%d sub-conversations), want 7 (1)", len(convs), subs)
	}
	if got := d.Backends(); len(got) != 2 || got[1].Name() != CloudName {
		t.Fatalf("backends %v", got)
	}
}

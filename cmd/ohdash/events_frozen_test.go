package main

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/fleet"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// startFrozenFleet is startFleet with a Freezer in front of the whole
// deployment (runtime API and agent-servers).
func startFrozenFleet(t *testing.T, h *harness) (*simFleet, *faults.Freezer) {
	t.Helper()
	fr := &faults.Freezer{}
	f := startFleetWith(t, h, fleet.Options{Runtimes: 2, Conversations: 6, Seed: 15, Mix: runtimeapi.Mix{}, Freezer: fr})
	t.Cleanup(fr.Thaw) // registered last, so it runs before the fleet's Close: held calls end
	return f, fr
}

// TestFaultEventsFollowReportsAFrozenSocket: `events -f` on a conversation
// whose agent-server stops carrying bytes without closing the websocket
// says so on stderr within seconds ("event stream of C not answering for
// 6s"; it used to say nothing until the 60 s idle limit), says when it
// resumes after the thaw, and prints the events published meanwhile once
// each and in order, on the same socket.
func TestFaultEventsFollowReportsAFrozenSocket(t *testing.T) {
	h := newHarness(t)
	f, fr := startFrozenFleet(t, h)
	c := pick(t, conversationsJSON(t, h), backend.ExecFinished)
	agent := f.agentOf(t, f.sandboxes(t)[c.SandboxID])
	out := &slowOut{release: make(chan struct{})}
	close(out.release)
	var errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"events", "-f", "--json", c.ID}, stdio{
			in: strings.NewReader(""), out: out, err: &errb,
			getenv: func(k string) string { return h.env[k] }, home: h.home,
		})
	}()
	history, _ := agent.EventIDs(c.ID)
	waitFor(t, 10*time.Second, "the history", func() bool { return len(out.ids(t)) >= len(history) })
	waitFor(t, 10*time.Second, "the subscription", func() bool { return agent.Subscribers(c.ID) == 1 })

	fr.Freeze()
	frozeAt := time.Now()
	if _, err := agent.Generate(c.ID, 25); err != nil {
		t.Fatal(err)
	}
	waitText(t, &errb, "event stream of "+c.ID+" not answering for ", 15*time.Second)
	t.Logf("reported %s after the freeze: %s", time.Since(frozeAt).Round(100*time.Millisecond), strings.TrimSpace(errb.String()))
	fr.Thaw()
	waitText(t, &errb, "event stream of "+c.ID+" resumed", 10*time.Second)
	want, _ := agent.EventIDs(c.ID)
	waitFor(t, 10*time.Second, "the events of the freeze", func() bool { return len(out.ids(t)) >= len(want) })
	time.Sleep(200 * time.Millisecond) // let a duplicate show up before counting
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("events -f exited %d: %s", code, errb.String())
	}
	if got := out.ids(t); !slices.Equal(got, want) {
		t.Fatalf("printed %d events, the server has %d (gap, repeat or reorder)", len(got), len(want))
	}
	if strings.Contains(errb.String(), "event stream lost") {
		t.Errorf("the socket was dropped during a short freeze: %s", errb.String())
	}
}

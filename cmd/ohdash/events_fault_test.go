package main

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/agentserver"
)

// slowOut is a reader that takes its time: each write waits, the first
// one until released, and it notes how many event searches the server
// had answered by then.
type slowOut struct {
	mu       sync.Mutex
	buf      strings.Builder
	release  chan struct{}
	first    func()
	once     sync.Once
	perWrite time.Duration
}

func (s *slowOut) Write(p []byte) (int, error) {
	s.once.Do(func() {
		if s.first != nil {
			s.first()
		}
		<-s.release
	})
	time.Sleep(s.perWrite)
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.buf.Write(p)
}

func (s *slowOut) ids(t *testing.T) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var ids []string
	text := s.buf.String()
	text = text[:strings.LastIndexByte(text, '\n')+1] // whole lines only: a write may be under way
	for _, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" {
			continue
		}
		var ev struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not NDJSON: %q", line)
		}
		ids = append(ids, ev.ID)
	}
	return ids
}

var ignoreOptional = agentserver.Variant{IgnoreParams: []string{"sort_order", "timestamp__lt", "timestamp__gte"}}

// TestFaultEventsHistorySlowReader: `events --json` behind a slow reader,
// against a normal server and one that ignores the optional search
// parameters, prints every event once and in order, and pages no further
// ahead of its reader than a page: when the first line is written, one
// search has been answered (the old pager fetched the whole conversation
// first, and never ended against the ignoring server).
func TestFaultEventsHistorySlowReader(t *testing.T) {
	for name, v := range map[string]agentserver.Variant{"normal": {}, "ignoring": ignoreOptional} {
		t.Run(name, func(t *testing.T) {
			h := newHarness(t)
			f := startFleet(t, h, 3)
			c := pick(t, conversationsJSON(t, h), backend.ExecFinished)
			agent := f.agentOf(t, f.sandboxes(t)[c.SandboxID])
			if _, err := agent.Generate(c.ID, 3000); err != nil {
				t.Fatal(err)
			}
			if err := agent.SetVariant(v); err != nil {
				t.Fatal(err)
			}
			want, _ := agent.EventIDs(c.ID)
			base := agent.EventSearches()
			var ahead int64
			out := &slowOut{release: make(chan struct{}), perWrite: 200 * time.Microsecond}
			out.first = func() { ahead = agent.EventSearches() - base; close(out.release) }
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var errb lockedBuffer
			code := run(ctx, []string{"events", "--json", c.ID}, stdio{
				in: strings.NewReader(""), out: out, err: &errb,
				getenv: func(k string) string { return h.env[k] }, home: h.home,
			})
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, errb.String())
			}
			if got := out.ids(t); !slices.Equal(got, want) {
				t.Fatalf("printed %d events, the server has %d (gap, repeat or reorder)", len(got), len(want))
			}
			if ahead > 1 {
				t.Errorf("%d searches answered before the first line was written; want 1", ahead)
			}
			if n := agent.EventSearches() - base; n > int64(len(want)/100+3) {
				t.Errorf("%d searches for %d events", n, len(want))
			}
			tail := h.must(exitOK, "events", "--json", "--tail", "7", c.ID).stdout
			if got := strings.Count(tail, "\n"); got != 7 || !strings.Contains(tail, want[len(want)-1]) || !strings.Contains(tail, want[len(want)-7]) {
				t.Errorf("--tail 7 printed %d lines, not the newest 7", got)
			}
		})
	}
}

// TestFaultEventsFollowSlowReader: `events -f --tail 100` against a server
// that ignores the optional search parameters, with a reader that stalls
// while 5,000 events arrive and then reads slowly, gets the newest 100 and
// every later event, each once and in order.
func TestFaultEventsFollowSlowReader(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	c := pick(t, conversationsJSON(t, h), backend.ExecFinished)
	agent := f.agentOf(t, f.sandboxes(t)[c.SandboxID])
	if _, err := agent.Generate(c.ID, 1000); err != nil {
		t.Fatal(err)
	}
	if err := agent.SetVariant(ignoreOptional); err != nil {
		t.Fatal(err)
	}
	before, _ := agent.EventIDs(c.ID)
	out := &slowOut{release: make(chan struct{}), perWrite: 100 * time.Microsecond}
	printing := make(chan struct{})
	out.first = func() { close(printing) }
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"events", "-f", "--json", "--tail", "100", c.ID}, stdio{
			in: strings.NewReader(""), out: out, err: &errb,
			getenv: func(k string) string { return h.env[k] }, home: h.home,
		})
	}()
	// The tail is loaded once the first line is written; the reader then
	// stalls while 5,000 events arrive.
	select {
	case <-printing:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing printed")
	}
	if _, err := agent.Generate(c.ID, 5000); err != nil {
		t.Fatal(err)
	}
	close(out.release)
	all, _ := agent.EventIDs(c.ID)
	want := all[len(before)-100:]
	waitFor(t, 60*time.Second, "every event", func() bool { return len(out.ids(t)) >= len(want) })
	time.Sleep(200 * time.Millisecond) // let a duplicate show up before counting
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("events -f exited %d: %s", code, errb.String())
	}
	if got := out.ids(t); !slices.Equal(got, want) {
		t.Fatalf("printed %d events, want the newest 100 and the %d after them", len(got), len(want)-100)
	}
}

package agentserver

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ohdash/ohdash/backend"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func fastTuning() StreamTuning {
	return StreamTuning{
		ReadyGrace: 150 * time.Millisecond, PingInterval: 100 * time.Millisecond,
		IdleTimeout: time.Second, DialTimeout: 2 * time.Second, ResyncDelay: 10 * time.Millisecond,
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

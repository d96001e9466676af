package events

import (
	"context"
	"fmt"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

var testNow = testkit.Now

// fakeSource is an EventStreamer and EventPager over a fixed history.
type fakeSource struct {
	mu      sync.Mutex
	history []backend.Event // the server's stored events, oldest first
	ch      chan backend.EventUpdate
	pages   int
	raw     map[string][]byte
	pageErr error
}

func (f *fakeSource) StreamEvents(ctx context.Context, sb backend.Sandbox, id string, o backend.StreamOptions) <-chan backend.EventUpdate {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.ch = make(chan backend.EventUpdate, 16)
	return f.ch
}

func (f *fakeSource) EventsBefore(ctx context.Context, sb backend.Sandbox, id string, q backend.PageQuery) (backend.EventPage, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pages++
	if f.pageErr != nil {
		return backend.EventPage{}, f.pageErr
	}
	end := len(f.history)
	for i, e := range f.history {
		if e.ID == q.Before.ID {
			end = i
		}
	}
	start := max(0, end-100)
	return backend.EventPage{Events: append([]backend.Event(nil), f.history[start:end]...), More: start > 0}, nil
}

func (f *fakeSource) Event(ctx context.Context, sb backend.Sandbox, conv, id string) (backend.Event, error) {
	for _, e := range f.history {
		if e.ID == id {
			e.Raw = f.raw[id]
			e.RawSize = len(e.Raw)
			return e, nil
		}
	}
	return backend.Event{}, fmt.Errorf("event %s: %w", id, backend.ErrNotFound)
}

func ev(i int, kind, source, summary string) backend.Event {
	return backend.Event{
		ID: fmt.Sprintf("ev-%06d", i), Timestamp: "2026-11-22T11:00:00", Time: testNow.Add(time.Duration(i-1000) * time.Second),
		Kind: kind, Source: source, Summary: summary,
	}
}

// mixed is a realistic turn, repeated n times.
func mixed(n int) []backend.Event {
	var out []backend.Event
	for t := 0; t < n; t++ {
		b := len(out)
		out = append(out,
			ev(b, "MessageEvent", "user", fmt.Sprintf("user> fix the failing test in package %c", 'a'+t%26)),
			ev(b+1, "ConversationStateUpdateEvent", "environment", "state: execution_status=running"),
			ev(b+2, "ActionEvent", "agent", "→ terminal: $ go test ./...  [risk LOW]"),
			ev(b+3, "ObservationEvent", "environment", "← terminal [exit 1]: --- FAIL: TestParse"),
			ev(b+4, "MessageEvent", "agent", "agent> The parser drops the time zone; fixed and tests pass."),
		)
		out[b+1].Quiet = true
		out[b+3].Failed = true
	}
	return out
}

func newPane(w, h int, src *fakeSource) (Model, tea.Cmd) {
	m := New(theme.New(true), WithClock(func() time.Time { return testNow }), WithMaxEvents(200), WithTail(50)).SetSize(w, h).Focus()
	conv := backend.Conversation{ID: "0c9a4f3e-2b1d-4e8f-9a7c-6b5d4e3f2a10", SandboxID: "oh-agent-server-x", Source: "docker",
		Title: "Fix the parser", Status: backend.ExecRunning}
	return m.Open(context.Background(), src, src, backend.Sandbox{ID: "oh-agent-server-x", Source: "docker"}, conv)
}

// pump runs cmd and feeds its message back, once.
func pump(m Model, cmd tea.Cmd) (Model, tea.Cmd) {
	if cmd == nil {
		return m, nil
	}
	return m.Update(cmd())
}

// deliver sends u on the open stream and lets the pane take it.
func deliver(m Model, f *fakeSource, next tea.Cmd, u backend.EventUpdate) (Model, tea.Cmd) {
	f.ch <- u
	return pump(m, next)
}

func live() backend.ConnState { return backend.ConnState{Phase: backend.ConnLive, Since: testNow} }

package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// fakeConvs is a conversation source whose listing can be made to fail,
// and which counts the event streams it was asked to open.
type fakeConvs struct {
	mu      sync.Mutex
	list    []backend.Conversation
	listErr error
	opened  []string
	// events are what every stream delivers first (one event if nil).
	events []backend.Event
}

func (f *fakeConvs) setListErr(err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.listErr = err
}

func (f *fakeConvs) opens() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.opened...)
}

func (f *fakeConvs) Conversations(_ context.Context, sb backend.Sandbox) ([]backend.Conversation, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.listErr != nil {
		return nil, f.listErr
	}
	var out []backend.Conversation
	for _, c := range f.list {
		if c.SandboxKey() == sb.Key() {
			out = append(out, c)
		}
	}
	return out, nil
}

func (f *fakeConvs) Conversation(ctx context.Context, sb backend.Sandbox, id string) (backend.Conversation, error) {
	list, err := f.Conversations(ctx, sb)
	if err != nil {
		return backend.Conversation{}, err
	}
	for _, c := range list {
		if c.ID == id {
			return c, nil
		}
	}
	return backend.Conversation{}, fmt.Errorf("conversation %s: %w", id, backend.ErrNotFound)
}

func (f *fakeConvs) AllConversations(ctx context.Context, sbs []backend.Sandbox) []backend.SandboxConversations {
	out := make([]backend.SandboxConversations, len(sbs))
	for i, sb := range sbs {
		out[i].Sandbox = sb
		out[i].Conversations, out[i].Err = f.Conversations(ctx, sb)
	}
	return out
}

func (f *fakeConvs) Pause(context.Context, backend.Sandbox, string) error { return nil }
func (f *fakeConvs) Run(context.Context, backend.Sandbox, string) error   { return nil }
func (f *fakeConvs) Interrupt(context.Context, backend.Sandbox, string) (backend.InterruptOutcome, error) {
	return backend.Interrupted, nil
}
func (f *fakeConvs) Delete(context.Context, backend.Sandbox, string) error { return nil }
func (f *fakeConvs) SendMessage(context.Context, backend.Sandbox, string, string) error {
	return nil
}
func (f *fakeConvs) RespondToConfirmation(context.Context, backend.Sandbox, string, bool, string) error {
	return nil
}

// StreamEvents records the open and delivers one live update; the channel
// stays open until ctx ends, like a quiet live stream.
func (f *fakeConvs) StreamEvents(ctx context.Context, _ backend.Sandbox, id string, _ backend.StreamOptions) <-chan backend.EventUpdate {
	f.mu.Lock()
	f.opened = append(f.opened, id)
	f.mu.Unlock()
	evs := f.events
	if evs == nil {
		evs = []backend.Event{{ID: "e1", Kind: "MessageEvent"}}
	}
	ch := make(chan backend.EventUpdate, 1)
	ch <- backend.EventUpdate{Conn: backend.ConnState{Phase: backend.ConnLive}, Events: evs, Status: backend.ExecWaitingForConfirmation}
	go func() {
		<-ctx.Done()
		close(ch)
	}()
	return ch
}

func (f *fakeConvs) EventsBefore(context.Context, backend.Sandbox, string, backend.PageQuery) (backend.EventPage, error) {
	return backend.EventPage{}, nil
}

func (f *fakeConvs) Event(context.Context, backend.Sandbox, string, string) (backend.Event, error) {
	return backend.Event{}, backend.ErrNotFound
}

// A refresh that fails must not take away the rows it could not re-read:
// the conversation being watched would close and reopen from its tail,
// losing the user's place (seen when a busy agent-server timed out one
// listing while it appended thousands of events).
func TestFailedRefreshKeepsRowsAndOpenStream(t *testing.T) {
	t.Parallel()
	src := &fakeConvs{}
	h := newHarness(t, 120, 40, Config{Conversations: src}, fixtureSandboxes()...)
	h.key("down")
	sb, _ := h.m.table.Selected()
	if sb.Status != backend.StatusRunning {
		t.Fatalf("fixture order changed: selected %s (%s)", sb.ID, sb.Status)
	}
	const id = "4f1c2d3e-0000-4000-8000-000000000001"
	src.list = []backend.Conversation{{ID: id, SandboxID: sb.ID, Source: sb.Source, Title: "Fix the flaky test", Status: backend.ExecRunning}}

	h.run(h.key("3"))
	if got := src.opens(); len(got) != 1 || got[0] != id {
		t.Fatalf("streams opened = %v, want the one conversation once", got)
	}

	src.setListErr(fmt.Errorf("list: %w", errors.Join(backend.ErrUnavailable, context.DeadlineExceeded)))
	h.run(h.refreshConversations())
	view := ansi.Strip(h.view())
	if !strings.Contains(view, "Fix the flaky test") {
		t.Fatalf("the row vanished after one failed refresh:\n%s", view)
	}
	if !strings.Contains(view, "could not be listed") {
		t.Fatalf("the failure is not shown:\n%s", view)
	}
	if h.convTab().Streaming() == "" {
		t.Fatal("the open conversation was closed by a failed refresh")
	}

	src.setListErr(nil)
	h.run(h.refreshConversations())
	if got := src.opens(); len(got) != 1 {
		t.Fatalf("streams opened = %v: the conversation was reopened", got)
	}
	if view := ansi.Strip(h.view()); strings.Contains(view, "could not be listed") {
		t.Fatalf("the problem stayed after a good refresh:\n%s", view)
	}
}

// A conversation that is really gone from a good listing leaves the list.
func TestRefreshDropsDeletedConversation(t *testing.T) {
	t.Parallel()
	src := &fakeConvs{}
	h := newHarness(t, 120, 40, Config{Conversations: src}, fixtureSandboxes()...)
	h.key("down")
	sb, _ := h.m.table.Selected()
	src.list = []backend.Conversation{
		{ID: "4f1c2d3e-0000-4000-8000-000000000001", SandboxID: sb.ID, Source: sb.Source, Title: "Keep me", Status: backend.ExecIdle},
		{ID: "4f1c2d3e-0000-4000-8000-000000000002", SandboxID: sb.ID, Source: sb.Source, Title: "Delete me", Status: backend.ExecIdle},
	}
	h.run(h.key("3"))
	if view := ansi.Strip(h.view()); !strings.Contains(view, "Delete me") {
		t.Fatalf("listing not shown:\n%s", view)
	}
	src.mu.Lock()
	src.list = src.list[:1]
	src.mu.Unlock()
	h.run(h.refreshConversations())
	if view := ansi.Strip(h.view()); strings.Contains(view, "Delete me") || !strings.Contains(view, "Keep me") {
		t.Fatalf("listing not refreshed:\n%s", view)
	}
}

// fixtureConversations are three conversations of sb: one waits for the
// user (pinned to the top), one runs, one is done.
func fixtureConversations(sb backend.Sandbox) []backend.Conversation {
	conv := func(n int, title string, st backend.ExecutionStatus, cost float64, tok int64, ago time.Duration) backend.Conversation {
		return backend.Conversation{ID: fmt.Sprintf("4f1c2d3e-0000-4000-8000-00000000000%d", n), SandboxID: sb.ID, Source: sb.Source,
			Title: title, Status: st, Model: "claude-sonnet-4-5", Cost: cost, Tokens: backend.TokenUsage{Prompt: tok, Completion: tok / 10},
			UpdatedAt: testNow.Add(-ago)}
	}
	return []backend.Conversation{
		conv(1, "Fix the flaky parser test", backend.ExecRunning, 0.42, 120_000, 10*time.Second),
		conv(2, "Clean up the build directory", backend.ExecWaitingForConfirmation, 0.08, 30_000, 2*time.Minute),
		conv(3, "Add a changelog entry", backend.ExecFinished, 0.03, 9_000, time.Hour),
	}
}

// fixtureEvents are one turn that ends waiting for the user's approval.
func fixtureEvents() []backend.Event {
	ev := func(i int, kind, source, summary string) backend.Event {
		return backend.Event{ID: fmt.Sprintf("ev-%d", i), Kind: kind, Source: source, Summary: summary,
			Timestamp: testNow.Add(time.Duration(i-10) * time.Second).Format("2006-01-02T15:04:05"),
			Time:      testNow.Add(time.Duration(i-10) * time.Second)}
	}
	return []backend.Event{
		ev(1, "MessageEvent", "user", "user> Clean up the build directory"),
		ev(2, "ConversationStateUpdateEvent", "environment", "state: execution_status = running"),
		ev(3, "ActionEvent", "agent", "→ terminal: $ rm -rf build/  [risk HIGH]"),
		ev(4, "ConversationStateUpdateEvent", "environment", "state: execution_status = waiting_for_confirmation"),
	}
}

// The whole conversations tab: sandboxes, tabs, the list with the waiting
// conversation pinned and opened, and its events with the stream state.
func TestGoldenConversationsTab(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		name := fmt.Sprintf("conversations_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src := &fakeConvs{events: fixtureEvents()}
			h := newHarness(t, size[0], size[1], Config{Conversations: src}, fixtureSandboxes()...)
			h.key("down")
			sb, _ := h.m.table.Selected()
			src.list = fixtureConversations(sb)
			h.run(h.key("3"))
			h.run(h.key("tab"))
			if got := src.opens(); len(got) != 1 || got[0] != src.list[1].ID {
				t.Fatalf("opened %v, want the pinned waiting conversation", got)
			}
			// The row's age follows the stream, not the last listing.
			evs := fixtureEvents()
			if sel, _ := h.convTab().Selected(); !sel.UpdatedAt.Equal(evs[len(evs)-1].Time) {
				t.Fatalf("updated %v, want the newest event's time %v", sel.UpdatedAt, evs[len(evs)-1].Time)
			}
			v := h.view()
			checkShape(t, v, size[0], size[1])
			testkit.Golden(t, name, v)
		})
	}
}

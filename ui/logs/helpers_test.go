package logs

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// fakeStreamer is a LogStreamer whose streams the test drives by hand. Each
// stream's channel holds one batch, like the real log buffer, which hands
// over at most one batch per flush and never queues a backlog.
type fakeStreamer struct {
	mu      sync.Mutex
	err     error
	streams []*fakeStream
}

type fakeStream struct {
	id   string
	opts backend.LogOptions
	ctx  context.Context
	ch   chan logbuf.Batch
}

func (f *fakeStreamer) Logs(ctx context.Context, id string, opts backend.LogOptions) (<-chan logbuf.Batch, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.err != nil {
		return nil, f.err
	}
	s := &fakeStream{id: id, opts: opts, ctx: ctx, ch: make(chan logbuf.Batch, 1)}
	f.streams = append(f.streams, s)
	return s.ch, nil
}

func (f *fakeStreamer) stream(t *testing.T, i int) *fakeStream {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	if i >= len(f.streams) {
		t.Fatalf("stream %d was never opened (%d opened)", i, len(f.streams))
	}
	return f.streams[i]
}

var errNoSuchSandbox = errors.New("no such sandbox")

// run executes a Cmd and fails if it does not return within a deadline
// (a Cmd that waits on a stream returns when the test sends to it).
func run(t *testing.T, cmd tea.Cmd) tea.Msg {
	t.Helper()
	if cmd == nil {
		t.Fatal("expected a Cmd, got nil")
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		return msg
	case <-time.After(5 * time.Second):
		t.Fatal("Cmd did not return")
		return nil
	}
}

// press builds a key press the way Bubble Tea delivers it.
var press = testkit.Press

// keys presses ks in m, in order.
var keys = testkit.Keys[Model]

// typeText types s into m one rune at a time.
var typeText = testkit.Type[Model]

func newPane(w, h int, opts ...Option) Model {
	opts = append([]Option{WithLocation(time.UTC)}, opts...)
	return New(theme.New(true), opts...).SetSize(w, h).Focus()
}

// opened returns a pane streaming from a fresh fake, with the Cmd that
// waits for its first batch.
func opened(t *testing.T, m Model, f *fakeStreamer, id, title string) (Model, tea.Cmd) {
	t.Helper()
	m, cmd := m.Open(context.Background(), f, id, title)
	return m.Update(run(t, cmd))
}

// deliver sends a batch on stream s and feeds the resulting message to m.
func deliver(t *testing.T, m Model, wait tea.Cmd, s *fakeStream, b logbuf.Batch) (Model, tea.Cmd) {
	t.Helper()
	s.ch <- b
	return m.Update(run(t, wait))
}

var t0 = time.Date(2026, 5, 1, 9, 30, 0, 0, time.UTC)

func ln(seq int, stream logbuf.Stream, text string) logbuf.Line {
	return logbuf.Line{
		Seq: uint64(seq), Time: t0.Add(time.Duration(seq) * 137 * time.Millisecond),
		Stream: stream, Text: text, Width: ansi.StringWidth(text),
	}
}

// screen renders m, checks it is exactly Height rows of Width cells and
// renders identically twice, and returns it with escapes stripped.
func screen(t *testing.T, m Model) string {
	t.Helper()
	v := m.View()
	if v != m.View() {
		t.Fatal("View is not deterministic: two renders differ")
	}
	rows := strings.Split(v, "\n")
	if len(rows) != m.height {
		t.Fatalf("view has %d rows, want %d", len(rows), m.height)
	}
	for i, r := range rows {
		if w := ansi.StringWidth(r); w != m.width {
			t.Fatalf("row %d is %d cells, want %d: %q", i, w, m.width, ansi.Strip(r))
		}
	}
	return ansi.Strip(v)
}

func header(t *testing.T, m Model) string {
	t.Helper()
	return strings.SplitN(screen(t, m), "\n", 2)[0]
}

func mustContain(t *testing.T, s string, subs ...string) {
	t.Helper()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			t.Fatalf("missing %q in:\n%s", sub, s)
		}
	}
}

package logs

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

func TestOpenStreamsBatches(t *testing.T) {
	f := &fakeStreamer{}
	m := newPane(80, 6)
	m, cmd := m.Open(context.Background(), f, "sb-1", "api-server")
	mustContain(t, header(t, m), "api-server", "connecting…")
	m, wait := m.Update(run(t, cmd))
	s := f.stream(t, 0)
	if s.id != "sb-1" || !s.opts.Follow || s.opts.Tail != DefaultTail {
		t.Fatalf("Logs called with id=%q opts=%+v", s.id, s.opts)
	}
	m, wait = deliver(t, m, wait, s, logbuf.Batch{Lines: []logbuf.Line{
		ln(1, logbuf.Stdout, "hello"), ln(2, logbuf.Stderr, "oops"),
	}})
	out := screen(t, m)
	mustContain(t, out, "streaming", "2 lines", "follow", "  hello", "E oops")
	// Every batch re-arms the wait.
	m, _ = deliver(t, m, wait, s, logbuf.Batch{Lines: []logbuf.Line{ln(3, logbuf.Stdout, "again")}})
	mustContain(t, screen(t, m), "3 lines", "again")
	if m.SandboxID() != "sb-1" {
		t.Fatalf("SandboxID = %q", m.SandboxID())
	}
}

func TestWithTail(t *testing.T) {
	f := &fakeStreamer{}
	_, _ = opened(t, newPane(80, 6, WithTail(50)), f, "sb", "t")
	if got := f.stream(t, 0).opts.Tail; got != 50 {
		t.Fatalf("Tail = %d, want 50", got)
	}
}

// Opening another sandbox cancels the first stream, and anything the first
// stream still delivers is dropped instead of mixing two sandboxes' logs.
func TestOpenSupersedesPreviousStream(t *testing.T) {
	f := &fakeStreamer{}
	m, waitA := opened(t, newPane(80, 6), f, "a", "A")
	a := f.stream(t, 0)
	m, waitB := opened(t, m, f, "b", "B")
	b := f.stream(t, 1)
	if a.ctx.Err() == nil {
		t.Fatal("the first stream's context was not cancelled")
	}
	if b.ctx.Err() != nil {
		t.Fatal("the new stream's context is cancelled")
	}
	// A batch from A arrives late: ignored, and its channel is drained.
	m, cmd := deliver(t, m, waitA, a, logbuf.Batch{Lines: []logbuf.Line{ln(1, logbuf.Stdout, "from A")}})
	if m.view.Len() != 0 {
		t.Fatalf("stale batch appended %d lines", m.view.Len())
	}
	if cmd == nil {
		t.Fatal("a stale batch must return a drain Cmd")
	}
	close(a.ch)
	if msg := run(t, cmd); msg != nil {
		t.Fatalf("drain returned %T", msg)
	}
	m, _ = deliver(t, m, waitB, b, logbuf.Batch{Lines: []logbuf.Line{ln(1, logbuf.Stdout, "from B")}})
	out := screen(t, m)
	mustContain(t, out, "B", "from B", "1 line")
}

// The result of a Logs call that was superseded before it returned is
// ignored too.
func TestStaleOpenResultIgnored(t *testing.T) {
	f := &fakeStreamer{}
	m, cmdA := newPane(80, 6).Open(context.Background(), f, "a", "A")
	m, cmdB := m.Open(context.Background(), f, "b", "B")
	msgA, msgB := run(t, cmdA), run(t, cmdB)
	m, cmd := m.Update(msgA)
	if cmd == nil {
		t.Fatal("a stale open result must drain its channel")
	}
	if m.phase != phaseOpening {
		t.Fatalf("stale open changed phase to %d", m.phase)
	}
	close(f.stream(t, 0).ch)
	run(t, cmd)
	m, wait := m.Update(msgB)
	m, _ = deliver(t, m, wait, f.stream(t, 1), logbuf.Batch{Lines: []logbuf.Line{ln(1, logbuf.Stdout, "b1")}})
	mustContain(t, screen(t, m), "b1")
}

func TestOpenErrorIsShownNotFatal(t *testing.T) {
	f := &fakeStreamer{err: fmt.Errorf("logs of sb-x: %w", errNoSuchSandbox)}
	m, cmd := opened(t, newPane(60, 5), f, "sb-x", "ghost")
	if cmd != nil {
		t.Fatal("a failed open must not wait for batches")
	}
	out := screen(t, m)
	mustContain(t, out, "ghost", "error", "Cannot stream logs: logs of sb-x: no such sandbox")
	if !errors.Is(m.openErr, errNoSuchSandbox) {
		t.Fatalf("openErr = %v", m.openErr)
	}
}

func TestOpenWithoutStreamer(t *testing.T) {
	m, cmd := newPane(60, 4).Open(context.Background(), nil, "sb-r", "remote")
	if cmd != nil {
		t.Fatal("nothing to run without a streamer")
	}
	mustContain(t, screen(t, m), "remote", "error", "Cannot stream logs: logs of sb-r: not supported")
	if !errors.Is(m.openErr, backend.ErrUnsupported) {
		t.Fatalf("openErr = %v", m.openErr)
	}
}

func TestStreamStatesInHeader(t *testing.T) {
	f := &fakeStreamer{}
	m, wait := opened(t, newPane(120, 4), f, "sb", "web")
	s := f.stream(t, 0)
	m, wait = deliver(t, m, wait, s, logbuf.Batch{State: logbuf.Waiting})
	mustContain(t, header(t, m), "waiting for restart")
	m, wait = deliver(t, m, wait, s, logbuf.Batch{State: logbuf.Reconnecting, Err: errors.New("engine unreachable"), Dropped: 1234})
	mustContain(t, header(t, m), "reconnecting: engine unreachable", "1,234 dropped")
	m, wait = deliver(t, m, wait, s, logbuf.Batch{State: logbuf.Ended, Err: errors.New("container removed"), Dropped: 1234})
	mustContain(t, header(t, m), "ended: container removed", "1,234 dropped")
	close(s.ch)
	m, cmd := m.Update(run(t, wait))
	if cmd != nil {
		t.Fatal("a closed stream must not be waited on")
	}
	mustContain(t, header(t, m), "ended")
	if s.ctx.Err() == nil {
		t.Fatal("the stream context was not released after the channel closed")
	}
}

func TestClosedWithoutEndState(t *testing.T) {
	f := &fakeStreamer{}
	m, wait := opened(t, newPane(80, 4), f, "sb", "web")
	close(f.stream(t, 0).ch)
	m, _ = m.Update(run(t, wait))
	mustContain(t, header(t, m), "ended")
}

func TestCloseCancelsAndIgnoresLateBatches(t *testing.T) {
	f := &fakeStreamer{}
	m, wait := opened(t, newPane(80, 4), f, "sb", "web")
	s := f.stream(t, 0)
	m, wait = deliver(t, m, wait, s, logbuf.Batch{Lines: []logbuf.Line{ln(1, logbuf.Stdout, "kept")}})
	m = m.Close()
	if s.ctx.Err() == nil {
		t.Fatal("Close did not cancel the stream")
	}
	m, _ = deliver(t, m, wait, s, logbuf.Batch{Lines: []logbuf.Line{ln(2, logbuf.Stdout, "late")}})
	out := screen(t, m)
	mustContain(t, out, "closed", "kept")
	if m.view.Len() != 1 {
		t.Fatalf("late batch appended: Len = %d", m.view.Len())
	}
}

func TestEvictedCountShown(t *testing.T) {
	f := &fakeStreamer{}
	m, wait := opened(t, newPane(120, 4, WithMaxLines(3)), f, "sb", "web")
	lines := make([]logbuf.Line, 1005)
	for i := range lines {
		lines[i] = ln(i+1, logbuf.Stdout, fmt.Sprintf("line %d", i+1))
	}
	m, _ = deliver(t, m, wait, f.stream(t, 0), logbuf.Batch{Lines: lines})
	mustContain(t, screen(t, m), "3 lines", "1,002 evicted", "line 1005")
}

// Loss counters are never dropped from the header: a long title and a long
// reason give way first.
func TestHeaderKeepsLossCounters(t *testing.T) {
	f := &fakeStreamer{}
	m, wait := opened(t, newPane(56, 3, WithMaxLines(2)), f, "sb", "oh-agent-server-0123456789abcdef-very-long-name")
	m, _ = deliver(t, m, wait, f.stream(t, 0), logbuf.Batch{
		Lines:   []logbuf.Line{ln(1, logbuf.Stdout, "a"), ln(2, logbuf.Stdout, "b"), ln(3, logbuf.Stdout, "c")},
		Dropped: 99, State: logbuf.Reconnecting, Err: errors.New("a very long reason that cannot fit"),
	})
	h := header(t, m)
	mustContain(t, h, "oh-agent-server…", "reconnecting", "1 evicted", "99 dropped")
	if strings.Contains(h, "reason") {
		t.Fatalf("the reason should give way first: %q", h)
	}
	// Control characters in a title or reason never reach the terminal.
	m = m.SetSize(200, 3)
	m.title = "evil\x1b]0;pwned\x07title"
	if v := m.View(); strings.Contains(v, "\x1b]") || strings.Contains(v, "\x07") {
		t.Fatalf("control characters leaked into the header: %q", v)
	}
}

package logtab

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
	"github.com/ohdash/ohdash/ui/keymap"
	"github.com/ohdash/ohdash/ui/pane"
)

// containers streams the logs of whichever container runs under the name
// now: one line naming it, then the end, as Docker's follow stream ends
// when its container stops or is removed.
type containers struct {
	*fake.Backend
	mu    sync.Mutex
	now   string
	opens int
}

func (c *containers) run(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = id
}

func (c *containers) Logs(ctx context.Context, _ string, _ backend.LogOptions) (<-chan logbuf.Batch, error) {
	c.mu.Lock()
	text := "hello from container " + c.now
	c.opens++
	c.mu.Unlock()
	ch := make(chan logbuf.Batch, 1)
	ch <- logbuf.Batch{Lines: []logbuf.Line{{Seq: 1, Time: testkit.Now, Text: text, Width: len(text)}}, State: logbuf.Streaming}
	close(ch)
	return ch, nil
}

func (c *containers) opened() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.opens
}

// drive runs cmd and feeds what it returns back to the pane, batches
// included, until the stream has nothing more to say.
func drive(t *testing.T, p pane.Pane, cmd tea.Cmd) pane.Pane {
	t.Helper()
	if cmd == nil {
		return p
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	select {
	case msg := <-done:
		if b, ok := msg.(tea.BatchMsg); ok {
			for _, c := range b {
				p = drive(t, p, c)
			}
			return p
		}
		if msg == nil {
			return p
		}
		next, cmd := p.Update(msg)
		return drive(t, next, cmd)
	case <-time.After(5 * time.Second):
		t.Fatal("the stream's command did not return")
		return p
	}
}

func sandbox(container string, started time.Time) backend.Sandbox {
	return backend.Sandbox{
		ID: "oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE", Prefix: "oh-agent-server-", Source: "docker",
		Instance: container, Status: backend.StatusRunning, StartedAt: started,
	}
}

func newPane(t *testing.T, c *containers) pane.Pane {
	t.Helper()
	ctx := pane.Context{
		Ctx: t.Context(), Theme: theme.New(true), Now: testkit.Clock, Keys: keymap.Default(),
		Hub: backend.NewHub(c), Host: pane.NewHost(),
	}
	return New(ctx, Config{}).SetSize(80, 8)
}

func world(sb backend.Sandbox, settled bool) pane.World {
	return pane.World{Selected: sb, OK: true, Sandboxes: []backend.Sandbox{sb}, Settled: settled}
}

// A sandbox removed and recreated under the same name keeps its Key but
// is a new container: the snapshot that shows it (the cursor has not
// moved, so nothing settles) reopens the stream, which shows the new
// container's lines instead of "ended".
func TestLogsFollowSandboxRecreatedUnderSameName(t *testing.T) {
	c := &containers{Backend: fake.New("docker"), now: "c0ffee01"}
	p := newPane(t, c)
	first := sandbox("c0ffee01", testkit.Now.Add(-time.Hour))
	next, cmd := p.Select(world(first, true))
	p = drive(t, next, cmd)
	if v := p.View(); !strings.Contains(v, "hello from container c0ffee01") || !strings.Contains(v, "ended") {
		t.Fatalf("first container's logs:\n%s", v)
	}

	c.run("beef0002")
	second := sandbox("beef0002", testkit.Now)
	next, cmd = p.Select(world(second, false))
	if cmd == nil {
		t.Fatalf("a snapshot of the recreated sandbox did not reopen the stream; the pane shows:\n%s", next.View())
	}
	p = drive(t, next, cmd)
	if v := p.View(); !strings.Contains(v, "hello from container beef0002") || strings.Contains(v, "c0ffee01") {
		t.Fatalf("after the sandbox was recreated the pane shows:\n%s", v)
	}
	if got := c.opened(); got != 2 {
		t.Fatalf("streams opened = %d, want 2", got)
	}
}

// The same container started again (resumed after a pause) ended its
// follow stream when it stopped; the new start time reopens it.
func TestLogsFollowSandboxStartedAgain(t *testing.T) {
	c := &containers{Backend: fake.New("docker"), now: "c0ffee01"}
	p := newPane(t, c)
	sb := sandbox("c0ffee01", testkit.Now.Add(-time.Hour))
	next, cmd := p.Select(world(sb, true))
	p = drive(t, next, cmd)
	sb.StartedAt = testkit.Now
	next, cmd = p.Select(world(sb, false))
	if cmd == nil {
		t.Fatal("a snapshot of the restarted sandbox did not reopen the stream")
	}
	drive(t, next, cmd)
	if got := c.opened(); got != 2 {
		t.Fatalf("streams opened = %d, want 2", got)
	}
}

// Snapshots of the same incarnation, or ones that do not know it (no
// container id, no start time), never reopen a stream: each reopen
// clears the view and reads the tail again.
func TestLogsKeepStreamOnSameIncarnation(t *testing.T) {
	c := &containers{Backend: fake.New("docker"), now: "c0ffee01"}
	p := newPane(t, c)
	sb := sandbox("c0ffee01", testkit.Now.Add(-time.Hour))
	next, cmd := p.Select(world(sb, true))
	p = drive(t, next, cmd)
	unknown := sb
	unknown.Instance, unknown.StartedAt = "", time.Time{}
	for i, w := range []pane.World{world(sb, false), world(sb, true), world(unknown, false), world(unknown, true)} {
		var cmd tea.Cmd
		if p, cmd = p.Select(w); cmd != nil {
			t.Fatalf("snapshot %d reopened the stream", i)
		}
	}
	if got := c.opened(); got != 1 {
		t.Fatalf("streams opened = %d, want 1", got)
	}
}

// Package fake is an in-memory backend with deterministic contents, for UI
// tests: it implements backend.Backend and backend.LogStreamer, records
// every action it is asked to run, and lets a test push new states and
// connection phases.
package fake

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// Backend is a scriptable in-memory backend. Safe for concurrent use.
type Backend struct {
	name string

	mu        sync.Mutex
	sandboxes []backend.Sandbox
	conn      backend.ConnState
	seq       uint64
	watchers  []chan backend.Snapshot
	actions   []string
	failNext  error
	failFor   map[string]error
	logs      map[string][]logbuf.Line
	// OpDelay makes every lifecycle action take this long, to show progress.
	opDelay time.Duration
}

// New returns a live backend named name holding the given sandboxes.
func New(name string, sandboxes ...backend.Sandbox) *Backend {
	b := &Backend{name: name, logs: map[string][]logbuf.Line{}}
	b.conn = backend.ConnState{Phase: backend.ConnLive}
	for _, s := range sandboxes {
		s.Source = name
		b.sandboxes = append(b.sandboxes, s)
	}
	return b
}

// Name implements backend.SandboxSource.
func (b *Backend) Name() string { return b.name }

// Watch implements backend.SandboxSource.
func (b *Backend) Watch(ctx context.Context) <-chan backend.Snapshot {
	ch := make(chan backend.Snapshot, 1)
	b.mu.Lock()
	b.watchers = append(b.watchers, ch)
	ch <- b.snapshotLocked()
	b.mu.Unlock()
	go func() {
		<-ctx.Done()
		b.mu.Lock()
		defer b.mu.Unlock()
		b.watchers = slices.DeleteFunc(b.watchers, func(c chan backend.Snapshot) bool { return c == ch })
		close(ch)
	}()
	return ch
}

func (b *Backend) snapshotLocked() backend.Snapshot {
	b.seq++
	return backend.Snapshot{
		Source: b.name, Seq: b.seq, Sandboxes: slices.Clone(b.sandboxes),
		Conn: b.conn, Listed: b.conn.Phase == backend.ConnLive || len(b.sandboxes) > 0,
	}
}

func (b *Backend) publishLocked() {
	s := b.snapshotLocked()
	for _, ch := range b.watchers {
		backend.SendLatest(ch, s)
	}
}

// SetConn changes the connection state and publishes a snapshot.
func (b *Backend) SetConn(c backend.ConnState) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.conn = c
	b.publishLocked()
}

// SetSandboxes replaces the sandboxes and publishes a snapshot.
func (b *Backend) SetSandboxes(sbs ...backend.Sandbox) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.sandboxes = b.sandboxes[:0]
	for _, s := range sbs {
		s.Source = b.name
		b.sandboxes = append(b.sandboxes, s)
	}
	b.publishLocked()
}

// SetOpDelay makes lifecycle actions take d before they complete.
func (b *Backend) SetOpDelay(d time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.opDelay = d
}

// FailNext makes the next lifecycle action fail with err.
func (b *Backend) FailNext(err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.failNext = err
}

// FailFor makes every lifecycle action on the sandbox id fail with err
// (nil: act normally again), for tests of one failure among many.
func (b *Backend) FailFor(id string, err error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.failFor == nil {
		b.failFor = map[string]error{}
	}
	b.failFor[id] = err
}

// Actions returns the actions run so far, as "pause <id>" and so on.
func (b *Backend) Actions() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.actions)
}

// SetLogs sets the log lines Logs returns for a sandbox.
func (b *Backend) SetLogs(id string, lines ...logbuf.Line) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.logs[id] = lines
}

// List implements backend.SandboxLister.
func (b *Backend) List(context.Context) ([]backend.Sandbox, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.conn.Phase != backend.ConnLive {
		return nil, fmt.Errorf("%s: %w", b.name, backend.ErrUnavailable)
	}
	return slices.Clone(b.sandboxes), nil
}

// act records an action, waits the configured delay, then applies change
// to the sandbox with the given id.
func (b *Backend) act(ctx context.Context, verb, id string, change func(*backend.Sandbox) error) error {
	b.mu.Lock()
	b.actions = append(b.actions, verb+" "+id)
	delay, fail := b.opDelay, b.failNext
	b.failNext = nil
	if err := b.failFor[id]; err != nil {
		fail = err
	}
	b.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	if fail != nil {
		return fail
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	i := slices.IndexFunc(b.sandboxes, func(s backend.Sandbox) bool { return s.ID == id })
	if i < 0 {
		return fmt.Errorf("sandbox %s: %w", id, backend.ErrNotFound)
	}
	if err := change(&b.sandboxes[i]); err != nil {
		return err
	}
	if b.sandboxes[i].ID == "" {
		b.sandboxes = slices.Delete(b.sandboxes, i, i+1)
	}
	b.publishLocked()
	return nil
}

// Start implements backend.SandboxController.
func (b *Backend) Start(ctx context.Context, req backend.StartRequest) (backend.Sandbox, error) {
	b.mu.Lock()
	id := fmt.Sprintf("oh-agent-server-fake%d", len(b.sandboxes)+1)
	b.sandboxes = append(b.sandboxes, backend.Sandbox{ID: id, Source: b.name, Status: backend.StatusStarting, Image: req.Image, SpecID: req.Image})
	b.mu.Unlock()
	err := b.act(ctx, "start", id, func(s *backend.Sandbox) error {
		s.Status = backend.StatusRunning
		return nil
	})
	if err != nil {
		return backend.Sandbox{}, err
	}
	return backend.Sandbox{ID: id, Source: b.name, Status: backend.StatusRunning, Image: req.Image}, nil
}

// Pause implements backend.SandboxController.
func (b *Backend) Pause(ctx context.Context, id string) error {
	return b.act(ctx, "pause", id, func(s *backend.Sandbox) error {
		if s.Status != backend.StatusRunning {
			return fmt.Errorf("pause %s: it is %s: %w", id, s.Status, backend.ErrConflict)
		}
		s.Status, s.RawState = backend.StatusPaused, "paused"
		return nil
	})
}

// Resume implements backend.SandboxController.
func (b *Backend) Resume(ctx context.Context, id string) error {
	return b.act(ctx, "resume", id, func(s *backend.Sandbox) error {
		s.Status, s.RawState = backend.StatusRunning, "running"
		return nil
	})
}

// Delete implements backend.SandboxController.
func (b *Backend) Delete(ctx context.Context, id string) error {
	return b.act(ctx, "delete", id, func(s *backend.Sandbox) error {
		s.ID = ""
		return nil
	})
}

// Logs implements backend.LogStreamer: it delivers the configured lines in
// one batch and, when following, keeps the stream open until ctx is done.
func (b *Backend) Logs(ctx context.Context, id string, opts backend.LogOptions) (<-chan logbuf.Batch, error) {
	b.mu.Lock()
	lines, ok := b.logs[id]
	b.mu.Unlock()
	if !ok {
		return nil, fmt.Errorf("logs of %s: %w", id, backend.ErrNotFound)
	}
	ch := make(chan logbuf.Batch, 1)
	go func() {
		defer close(ch)
		select {
		case ch <- logbuf.Batch{Lines: slices.Clone(lines), State: logbuf.Streaming}:
		case <-ctx.Done():
			return
		}
		if !opts.Follow {
			select {
			case ch <- logbuf.Batch{State: logbuf.Ended}:
			case <-ctx.Done():
			}
			return
		}
		<-ctx.Done()
	}()
	return ch, nil
}

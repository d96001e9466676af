// Package nestedv0 emulates the legacy OpenHands V0 "nested" server: the
// full OpenHands server that runs in standalone mode inside an
// openhands-runtime-<conversation id> container and hosts that one
// conversation (PROTOCOL.md §6). It answers the REST routes a dashboard
// uses, checks X-Session-API-Key against SESSION_API_KEY, stores V0 event
// dicts with integer ids and runs a small scripted agent.
package nestedv0

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/simctl"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Conversation statuses (openhands/storage/data_models/conversation_status.py).
const (
	StatusStarting = "STARTING"
	StatusRunning  = "RUNNING"
	StatusStopped  = "STOPPED"
	StatusArchived = "ARCHIVED"
	StatusError    = "ERROR"
)

// Options configure a Server.
type Options struct {
	// ConversationID is the conversation this runtime hosts (V0 ids are
	// 32 hex digits); empty picks a random one.
	ConversationID string
	// Key is SESSION_API_KEY; empty switches auth off.
	Key string
	// Title is the conversation title; empty means "Conversation <id[:5]>".
	Title string
	// Pace is the pause between the scripted agent's steps.
	Pace time.Duration
	// StartDelay keeps the status STARTING this long after start.
	StartDelay time.Duration
	// StopDelay is how long after POST …/stop the status becomes STOPPED.
	StopDelay time.Duration
	// Location is the local zone of event timestamps (default time.Local).
	Location *time.Location
	// Faults are the starting fault knobs.
	Faults faults.Config
	// Now is the wall clock (default time.Now).
	Now func() time.Time
}

// Server is one emulated nested V0 server. It is an http.Handler.
type Server struct {
	opts    Options
	id      string
	clock   *wire.Clock
	faults  *faults.Injector
	started time.Time
	handler http.Handler
	pace    simctl.Pace

	ctx    context.Context
	cancel context.CancelFunc
	wg     sync.WaitGroup

	mu        sync.Mutex
	status    string
	title     string
	createdAt time.Time
	updatedAt time.Time
	deleted   bool
	events    []v0event
	running   bool // the scripted agent is busy
	queued    []string
	turns     int

	changedMu sync.Mutex
	changed   chan struct{}
}

// DeriveKey is the session key the V0 docker nested conversation manager
// gives a conversation: urlsafe base64 of sha256("<jwt_secret>:<id>")
// without padding.
func DeriveKey(jwtSecret, conversationID string) string {
	sum := sha256.Sum256([]byte(jwtSecret + ":" + conversationID))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

// New returns a server that starts in STARTING and becomes RUNNING after
// StartDelay.
func New(opts Options) (*Server, error) {
	if opts.ConversationID == "" {
		opts.ConversationID = wire.NewHex()
	}
	if strings.ContainsAny(opts.ConversationID, "/?#") {
		return nil, fmt.Errorf("conversation id %q is not a path segment", opts.ConversationID)
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	if opts.Pace < 0 || opts.StartDelay < 0 || opts.StopDelay < 0 {
		return nil, fmt.Errorf("pace and delays must not be negative")
	}
	if err := opts.Faults.Validate(); err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:    opts,
		id:      opts.ConversationID,
		clock:   wire.NewClock(opts.Now),
		faults:  faults.New(opts.Faults),
		ctx:     ctx,
		cancel:  cancel,
		title:   opts.Title,
		status:  StatusStarting,
		changed: make(chan struct{}),
	}
	if s.title == "" {
		s.title = "Conversation " + s.id[:min(5, len(s.id))]
	}
	s.started = s.clock.Next()
	s.createdAt, s.updatedAt = s.started, s.started
	s.pace.Set(opts.Pace)
	s.appendLocked(stateChanged(AgentLoading))
	s.handler = s.routes()
	s.after(opts.StartDelay, func() {
		if s.status == StatusStarting {
			s.status = StatusRunning
			s.appendLocked(stateChanged(AgentAwaitingUserInput))
		}
	})
	return s, nil
}

// ServeHTTP serves the nested server's API and the /_sim/ control routes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// ConversationID is the id of the hosted conversation.
func (s *Server) ConversationID() string { return s.id }

// Close stops the scripted agent and pending timers.
func (s *Server) Close() {
	s.cancel()
	s.wg.Wait()
}

// after runs f under the lock once d has passed (at once when d is 0),
// unless the server closes first.
func (s *Server) after(d time.Duration, f func()) {
	if d <= 0 {
		s.mu.Lock()
		f()
		s.mu.Unlock()
		s.notify()
		return
	}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		t := time.NewTimer(d)
		defer t.Stop()
		select {
		case <-s.ctx.Done():
			return
		case <-t.C:
		}
		s.mu.Lock()
		f()
		s.mu.Unlock()
		s.notify()
	}()
}

// appendLocked stores the next event with the next integer id.
func (s *Server) appendLocked(b builder) int {
	id := len(s.events)
	ts := wire.NaiveISO(s.clock.Next(), s.opts.Location)
	s.events = append(s.events, v0event{id: id, body: b.encode(id, ts)})
	s.updatedAt = s.clock.Next()
	return id
}

func (s *Server) notify() {
	s.changedMu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.changedMu.Unlock()
}

// WaitStatus blocks until the conversation has status or ctx ends.
func (s *Server) WaitStatus(ctx context.Context, status string) error {
	return s.waitFor(ctx, func() bool { return s.status == status })
}

// WaitEventCount blocks until at least n events are stored or ctx ends.
func (s *Server) WaitEventCount(ctx context.Context, n int) error {
	return s.waitFor(ctx, func() bool { return len(s.events) >= n })
}

// waitFor re-checks cond (under the lock) after every change.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		s.changedMu.Lock()
		ch := s.changed
		s.changedMu.Unlock()
		s.mu.Lock()
		ok, status, n := cond(), s.status, len(s.events)
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("status %s, %d events: %w", status, n, ctx.Err())
		case <-ch:
		}
	}
}

// Package agentserver emulates an OpenHands agent-server (the V1 server that
// runs inside every sandbox) closely enough to be the test double of
// ohdash's agent-server client: the REST routes, the events websocket, the
// event model and a scripted agent, each following PROTOCOL.md including its
// quirks, with every version-dependent behaviour gated on the release it
// plays. Faults and hostile content can be switched on at run time.
//
// Embed it in a test:
//
//	srv, err := agentserver.New(agentserver.Options{Keys: []string{"k"}})
//	ts := httptest.NewServer(srv)
//	defer func() { ts.Close(); srv.Close() }()
//	id, _ := srv.Seed(agentserver.SeedSpec{Turns: 3})
//
// and drive it with its Go methods (SendMessage, Generate, SetFaults,
// WaitStatus, …) or, from outside the process, the /_sim/ control routes.
package agentserver

import (
	"context"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/simctl"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Server is one emulated agent-server. It is an http.Handler.
type Server struct {
	opts    Options
	version Version
	keys    wire.Keys
	clock   *wire.Clock
	faults  *faults.Injector
	started time.Time
	handler http.Handler

	ctx    context.Context // ends when the server closes; parents every run
	cancel context.CancelFunc
	runs   sync.WaitGroup

	pace       simctl.Pace
	variant    variantBox
	searches   atomic.Int64 // event searches answered, for tests
	bash       bashLog      // the bash API's events
	lastActive atomic.Int64 // unix nanos of the last event, for idle_time

	mu            sync.Mutex
	conversations map[string]*conversation
	order         []*conversation // creation order, for stable sorting
	content       Content
	sockets       map[*socket]struct{}
	closed        bool

	changedMu sync.Mutex
	changed   chan struct{} // closed and replaced on every change
}

// New returns a server, or an error for invalid options.
func New(opts Options) (*Server, error) {
	opts, v, err := opts.resolve()
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	s := &Server{
		opts:          opts,
		version:       v,
		keys:          wire.Keys(opts.Keys),
		clock:         wire.NewClock(opts.Now),
		faults:        faults.New(opts.Faults),
		ctx:           ctx,
		cancel:        cancel,
		conversations: map[string]*conversation{},
		content:       opts.Content,
		sockets:       map[*socket]struct{}{},
		changed:       make(chan struct{}),
	}
	s.started = s.clock.Next()
	s.lastActive.Store(s.started.UnixNano())
	s.pace.Set(opts.Pace)
	s.variant.set(opts.Variant)
	s.handler = s.routes()
	return s, nil
}

// ServeHTTP serves the agent-server API, the websocket and /_sim/.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Version is the release the server plays.
func (s *Server) Version() Version { return s.version }

// Close stops every scripted run and closes every websocket (code 1012,
// as uvicorn does on shutdown). The handler keeps answering REST.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	convs := append([]*conversation(nil), s.order...)
	socks := make([]*socket, 0, len(s.sockets))
	for k := range s.sockets {
		socks = append(socks, k)
	}
	s.mu.Unlock()
	s.cancel()
	for _, c := range convs {
		c.mu.Lock()
		c.hub.closeAll(closeServiceRestart)
		c.mu.Unlock()
	}
	for _, k := range socks {
		k.kill()
	}
	s.runs.Wait()
}

// notify wakes everything waiting for a change (WaitStatus, WaitEvents).
func (s *Server) notify() {
	s.lastActive.Store(time.Now().UnixNano())
	s.changedMu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.changedMu.Unlock()
}

func (s *Server) changes() <-chan struct{} {
	s.changedMu.Lock()
	defer s.changedMu.Unlock()
	return s.changed
}

// waitFor re-checks cond after every change until it holds or ctx ends.
func (s *Server) waitFor(ctx context.Context, cond func() bool) error {
	for {
		ch := s.changes()
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-ch:
		}
	}
}

func (s *Server) lookup(id string) *conversation {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conversations[id]
}

func (s *Server) timestamp() string { return wire.NaiveISO(s.clock.Next(), s.opts.Location) }

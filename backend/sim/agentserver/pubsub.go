package agentserver

import "sync"

// subscriber is one websocket's queue of outgoing frames. Publishing never
// blocks the agent: frames queue up without bound (a test may append
// 10,000 events while a client is slow) and the socket's writer drains
// them in order.
type subscriber struct {
	mu     sync.Mutex
	queue  [][]byte
	closed bool
	code   int           // close code to send when closed; 0 = cut abruptly
	wake   chan struct{} // capacity 1: "the queue is not empty"
	done   chan struct{} // closed by close(): stop writing
	once   sync.Once
}

func newSubscriber() *subscriber {
	return &subscriber{wake: make(chan struct{}, 1), done: make(chan struct{})}
}

func (s *subscriber) push(frame []byte) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.queue = append(s.queue, frame)
	s.mu.Unlock()
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// take returns every queued frame and empties the queue.
func (s *subscriber) take() [][]byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.queue
	s.queue = nil
	return q
}

// close stops the subscriber; pending frames are discarded. The socket
// then closes with code, or is cut without a close frame when code is 0.
func (s *subscriber) close(code int) {
	s.once.Do(func() {
		s.mu.Lock()
		s.closed = true
		s.code = code
		s.queue = nil
		s.mu.Unlock()
		close(s.done)
	})
}

// closeCode is the code given to close.
func (s *subscriber) closeCode() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.code
}

// hub is a conversation's set of subscribers. It is guarded by the
// conversation's lock, so publishing happens in event-log order.
type hub struct {
	subs map[*subscriber]struct{}
}

func (h *hub) add(s *subscriber) {
	if h.subs == nil {
		h.subs = make(map[*subscriber]struct{})
	}
	h.subs[s] = struct{}{}
}

func (h *hub) remove(s *subscriber) { delete(h.subs, s) }

func (h *hub) len() int { return len(h.subs) }

func (h *hub) publish(frame []byte) {
	for s := range h.subs {
		s.push(frame)
	}
}

// closeAll ends every subscription (the sockets notice and close).
func (h *hub) closeAll(code int) {
	for s := range h.subs {
		s.close(code)
	}
}

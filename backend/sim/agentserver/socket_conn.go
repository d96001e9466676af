package agentserver

import (
	"errors"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ohdash/ohdash/backend/sim/faults"
)

// Websocket close codes the agent-server uses.
const (
	closeServiceRestart = 1012 // uvicorn on shutdown
	closeTryAgainLater  = 1013 // subscriber cap
	closeAuthFailed     = 4001
	closeNotFound       = 4004
)

const writeTimeout = 10 * time.Second

var errSocketClosed = errors.New("websocket closed")

// socket is one accepted events websocket. Frames come from two writers
// at once, the subscriber's queue and the replay, as on the real server;
// wmu serialises them.
type socket struct {
	srv  *Server
	conn *websocket.Conn

	wmu  sync.Mutex
	dead bool

	killOnce sync.Once
	gone     chan struct{} // closed once the connection is dead
}

func newSocket(s *Server, conn *websocket.Conn) *socket {
	return &socket{srv: s, conn: conn, gone: make(chan struct{})}
}

// kill cuts the connection without a close frame.
func (k *socket) kill() {
	k.killOnce.Do(func() {
		// Close first: a write blocked on a client that stopped reading
		// returns, and releases wmu.
		_ = k.conn.NetConn().Close()
		k.wmu.Lock()
		k.dead = true
		k.wmu.Unlock()
		close(k.gone)
	})
}

// send writes one frame, applying the frame faults first.
func (k *socket) send(frame []byte) error {
	ff := k.srv.faults.NextFrame()
	if ff.Drop {
		k.kill()
		return errSocketClosed
	}
	k.wmu.Lock()
	defer k.wmu.Unlock()
	if k.dead {
		return errSocketClosed
	}
	_ = k.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	if ff.Malformed {
		if err := k.conn.WriteMessage(websocket.TextMessage, []byte(faults.MalformedFrame)); err != nil {
			return err
		}
	}
	return k.conn.WriteMessage(websocket.TextMessage, frame)
}

// closeWith sends a close frame with code and reason, then cuts the
// connection.
func (k *socket) closeWith(code int, reason string) {
	k.wmu.Lock()
	if !k.dead {
		_ = k.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(time.Second))
	}
	k.wmu.Unlock()
	k.kill()
}

// pump writes the subscriber's queued frames until the subscription or
// the connection ends.
func (k *socket) pump(sub *subscriber) {
	for {
		select {
		case <-sub.wake:
			for _, f := range sub.take() {
				if err := k.send(f); err != nil {
					k.kill()
					return
				}
			}
		case <-sub.done:
			if code := sub.closeCode(); code != 0 {
				k.closeWith(code, closeReason(code))
			} else {
				k.kill()
			}
			return
		case <-k.gone:
			return
		}
	}
}

func closeReason(code int) string {
	switch code {
	case closeServiceRestart:
		return "Server shutting down"
	}
	return ""
}

func (s *Server) trackSocket(k *socket) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return false
	}
	s.sockets[k] = struct{}{}
	return true
}

func (s *Server) untrackSocket(k *socket) {
	s.mu.Lock()
	delete(s.sockets, k)
	s.mu.Unlock()
}

package agentserver

import (
	"encoding/json"
	"errors"

	"github.com/gorilla/websocket"
)

// replay sends stored history as the resend mode asks, in pages of 100
// read under the lock, so live events published meanwhile interleave with
// it (and may arrive twice). False when the socket died.
func (s *Server) replay(k *socket, c *conversation, p socketParams) bool {
	since := ""
	switch p.mode {
	case "all":
	case "since":
		if p.after == "" {
			return true // "requires after_timestamp": nothing is resent
		}
		since = p.after
	default:
		return true
	}
	for pos := 0; ; {
		c.mu.Lock()
		page, next := c.log.page(pos, resendPageSize, since)
		c.mu.Unlock()
		for _, e := range page {
			if k.send(e.compact) != nil {
				return false
			}
		}
		if len(page) == 0 {
			return true
		}
		pos = next
	}
}

// clientQueue is how many client messages wait for the handler before
// the reader stops reading (and so stops answering pings), like the
// protocol layer's bounded queue.
const clientQueue = 16

// clientFrame is one message read from the client.
type clientFrame struct {
	typ  int
	data []byte
}

// readLoop reads the client's frames until the connection ends; gorilla
// answers pings while it reads. Messages go to msgs, closed at the end.
func (k *socket) readLoop(msgs chan<- clientFrame) {
	defer close(msgs)
	for {
		typ, data, err := k.conn.ReadMessage()
		if err != nil {
			return
		}
		select {
		case msgs <- clientFrame{typ, data}:
		case <-k.gone:
			return
		}
	}
}

// handleFrames treats every client text frame as a user message sent with
// run=true. A frame that cannot be processed is answered with a
// ServerErrorEvent (v1.16.0+; older servers only logged it).
func (s *Server) handleFrames(k *socket, c *conversation, msgs <-chan clientFrame) {
	for m := range msgs {
		code, detail := s.handleFrame(c, m.typ, m.data)
		if code == "" || !s.version.AtLeast(tagWSErrorEvent) {
			continue
		}
		e := newServerError(code, detail)
		c.mu.Lock()
		c.stampLocked(e)
		c.mu.Unlock()
		if k.send(e.seal().compact) != nil {
			return
		}
	}
}

// handleFrame processes one client frame and returns the Python exception
// class name and message when it fails.
func (s *Server) handleFrame(c *conversation, typ int, data []byte) (code, detail string) {
	if typ != websocket.TextMessage {
		// receive_json reads message["text"], absent for a binary frame.
		return "KeyError", "'text'"
	}
	var probe any
	if err := json.Unmarshal(data, &probe); err != nil {
		return "JSONDecodeError", "Expecting value: line 1 column 1 (char 0)"
	}
	if _, ok := authFrameKey(data); ok && s.version.AtLeast(tagAuthFrameIgnore) {
		return "", "" // a redundant auth frame after legacy auth
	}
	m, err := parseMessage(data, false)
	var verr validationError
	switch {
	case errors.As(err, &verr):
		return "ValidationError", verr.Error()
	case err != nil:
		return "JSONDecodeError", err.Error()
	}
	if err := c.sendMessage(m, true); err != nil {
		if errors.Is(err, errNotUserRole) {
			return "AssertionError", "Only user messages are allowed to be sent to the agent."
		}
		return "ValueError", "inactive_service"
	}
	return "", ""
}

// authFrameKey reads {"type":"auth","session_api_key":…}.
func authFrameKey(data []byte) (string, bool) {
	var f map[string]any
	if json.Unmarshal(data, &f) != nil || f["type"] != "auth" {
		return "", false
	}
	key, _ := f["session_api_key"].(string)
	return key, true
}

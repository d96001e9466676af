package agentserver

import (
	"net/http"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

var upgrader = websocket.Upgrader{
	CheckOrigin: func(*http.Request) bool { return true },
}

// socketParams are the query parameters of /sockets/events/{id}.
type socketParams struct {
	mode  string // "", "all" or "since"
	after string // normalised after_timestamp ("" when absent)
	key   *string
}

// parseSocketParams validates the query the way the played version's
// signature does; false means FastAPI would reject the handshake.
func (s *Server) parseSocketParams(r *http.Request) (socketParams, bool) {
	q := r.URL.Query()
	var p socketParams
	resendAll := false
	if q.Has("resend_all") {
		b, ok := queryBool(q.Get("resend_all"))
		if !ok {
			return p, false
		}
		resendAll = b
	}
	if s.version.AtLeast(tagResendMode) {
		if q.Has("resend_mode") {
			p.mode = q.Get("resend_mode")
			if p.mode != "all" && p.mode != "since" {
				return p, false
			}
		}
		if q.Has("after_timestamp") {
			ts, err := wire.NormalizeToServer(q.Get("after_timestamp"), s.opts.Location)
			if err != nil {
				return p, false
			}
			p.after = ts
		}
	}
	if p.mode == "" && resendAll {
		// The deprecated alias; the only option before v1.15.0.
		p.mode = "all"
	}
	if q.Has("session_api_key") {
		k := q.Get("session_api_key")
		p.key = &k
	} else if v := r.Header.Values(wire.SessionKeyHeader); len(v) > 0 && s.version.AtLeast(tagWSHeaderAuth) {
		k := v[0]
		p.key = &k
	}
	return p, true
}

// eventsSocket serves /sockets/events/{id} in the order the real server
// works: validate, authenticate (before accept when a key came with the
// handshake), find the conversation (4004), subscribe (1013 at the cap),
// push the snapshot, replay history while live events flow, then handle
// client frames as user messages. Frames are read from the start, so
// pings are answered even during the replay, as the real server's
// protocol layer (uvicorn's websockets or wsproto) answers them whatever
// the handler is doing.
func (s *Server) eventsSocket(w http.ResponseWriter, r *http.Request) {
	id, okID := wire.ParseUUID(r.PathValue("id"))
	p, okParams := s.parseSocketParams(r)
	if !okID || !okParams {
		rejectHandshake(w)
		return
	}
	log := s.opts.Logger.With("conversation", id)
	firstMessageAuth := false
	if s.keys.Enabled() {
		switch {
		case p.key != nil && !s.keys.Allows(*p.key):
			log.Warn("WebSocket authentication failed: invalid API key")
			rejectHandshake(w) // close 4001 before accept = HTTP 403
			return
		case p.key == nil && s.version.AtLeast(tagFirstMsgAuth):
			firstMessageAuth = true
		case p.key == nil:
			log.Warn("WebSocket authentication failed: no session_api_key")
			rejectHandshake(w)
			return
		default:
			log.Debug("session_api_key passed via query param or header is deprecated")
		}
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	conn.SetReadLimit(maxBodyBytes)
	k := newSocket(s, conn)
	if !s.trackSocket(k) {
		k.closeWith(closeServiceRestart, closeReason(closeServiceRestart))
		return
	}
	defer s.untrackSocket(k)
	defer k.kill()
	if firstMessageAuth && !s.firstMessageAuth(k) {
		log.Warn("WebSocket first-message auth failed")
		k.closeWith(closeAuthFailed, "Authentication failed")
		return
	}
	msgs := make(chan clientFrame, clientQueue)
	reading := make(chan struct{})
	go func() {
		defer close(reading)
		k.readLoop(msgs)
	}()
	defer func() {
		k.kill()
		<-reading
	}()
	c := s.lookup(id)
	if c == nil {
		log.Warn("Conversation not found")
		k.closeWith(closeNotFound, "Conversation not found")
		return
	}
	sub, snapshot, ok := c.subscribe()
	if !ok {
		log.Warn("Subscriber limit reached for conversation")
		k.closeWith(closeTryAgainLater, "Too many connections for this conversation")
		return
	}
	defer c.unsubscribe(sub)
	if d := s.faults.DropAfter(); d > 0 {
		t := time.AfterFunc(d, k.kill)
		defer t.Stop()
	}
	if snapshot != nil && k.send(snapshot) != nil {
		return
	}
	go k.pump(sub)
	if !s.replay(k, c, p) {
		return
	}
	s.handleFrames(k, c, msgs)
}

func rejectHandshake(w http.ResponseWriter) {
	http.Error(w, http.StatusText(http.StatusForbidden), http.StatusForbidden)
}

// firstMessageAuth waits AuthTimeout for {"type":"auth","session_api_key":…}.
func (s *Server) firstMessageAuth(k *socket) bool {
	_ = k.conn.SetReadDeadline(time.Now().Add(s.opts.AuthTimeout))
	defer func() { _ = k.conn.SetReadDeadline(time.Time{}) }()
	typ, data, err := k.conn.ReadMessage()
	if err != nil || typ != websocket.TextMessage {
		return false
	}
	key, ok := authFrameKey(data)
	return ok && s.keys.Allows(key)
}

// subscribe registers a subscriber and builds the snapshot it gets first;
// ok is false at the subscriber cap.
func (c *conversation) subscribe() (sub *subscriber, snapshot []byte, ok bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.srv.version.AtLeast(tagSubscriberCap) && c.hub.len() >= maxSubscribers {
		return nil, nil, false
	}
	sub = newSubscriber()
	c.hub.add(sub)
	if e := c.snapshotLocked(); e != nil {
		c.stampLocked(e)
		snapshot = e.seal().compact
	}
	return sub, snapshot, true
}

func (c *conversation) unsubscribe(sub *subscriber) {
	c.mu.Lock()
	c.hub.remove(sub)
	c.mu.Unlock()
	sub.close(0)
}

// Subscribers returns how many websockets follow conversation id.
func (s *Server) Subscribers(id string) int {
	c := s.lookup(canonicalID(id))
	if c == nil {
		return 0
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hub.len()
}

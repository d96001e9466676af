package agentserver

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// Close codes of the events socket (PROTOCOL.md §2.2).
const (
	closeAuthFailed      = 4001
	closeNotFound        = 4004
	closeTooManyRequests = 1013
)

// frame is one websocket message, already decoded by the reader so the
// queue between reader and stream holds small events, never raw frames.
// A bad frame (oversized, malformed) arrives as bad.
type frame struct {
	d   decoded
	bad bool
}

// wsConn is one events-socket connection and its reader goroutine.
type wsConn struct {
	ws     *websocket.Conn
	frames chan frame
	rawCap int
	done   chan struct{}
	wg     sync.WaitGroup
	err    error // why the reader stopped; read after frames is closed
	tuning StreamTuning
	alive  *alive
	once   sync.Once
}

// socketURL builds the events-socket URL. It carries the session key, so
// it must never be logged or put into an error.
func (c *Client) socketURL(convID, resumeFrom string, v ServerVersion, known bool) string {
	u := *c.api.CurrentBase()
	switch u.Scheme {
	case "https":
		u.Scheme = "wss"
	default:
		u.Scheme = "ws"
	}
	u.Path = strings.TrimRight(u.Path, "/") + "/sockets/events/" + convID
	u.RawPath = ""
	q := url.Values{}
	if !c.key.IsZero() {
		q.Set("session_api_key", c.key.Reveal())
	}
	switch {
	case known && v.HasResendSince():
		// Without a timestamp (a fresh stream) the REST load brings the
		// history, so only live events are needed.
		if resumeFrom != "" {
			q.Set("resend_mode", "since")
			q.Set("after_timestamp", resumeFrom)
		}
	default:
		q.Set("resend_all", "true")
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// dial opens the events socket and starts its reader and its pinger;
// live receives the liveness reports (see alive).
func (c *Client) dial(ctx context.Context, target string, rawCap int, live liveness) (*wsConn, error) {
	d := websocket.Dialer{
		Proxy:            http.ProxyFromEnvironment,
		HandshakeTimeout: c.tuning.DialTimeout,
	}
	ws, resp, err := d.DialContext(ctx, target, nil)
	if resp != nil && resp.Body != nil {
		resp.Body.Close()
	}
	if err != nil {
		return nil, c.dialError(ctx, err, resp)
	}
	w := &wsConn{ws: ws, frames: make(chan frame, 64), rawCap: rawCap, done: make(chan struct{}), tuning: c.tuning,
		alive: newAlive(c.tuning, live.silent, live.answering)}
	// Every answer from the server proves it alive and pushes the idle
	// deadline back.
	extend := func() { _ = ws.SetReadDeadline(time.Now().Add(c.tuning.IdleTimeout)) }
	answered := func() { w.alive.answered(); extend() }
	ws.SetPongHandler(func(string) error { answered(); return nil })
	ws.SetPingHandler(func(data string) error {
		answered()
		err := ws.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(5*time.Second))
		if errors.Is(err, websocket.ErrCloseSent) {
			return nil
		}
		return err
	})
	w.wg.Add(2)
	go w.read(extend, answered)
	go w.keepAlive()
	return w, nil
}

// liveness receives an events socket's liveness reports: silent while a
// ping is overdue (repeated; last is the server's last answer), answering
// at the first answer after that.
type liveness interface {
	silent(last time.Time)
	answering(at time.Time)
}

// dialError explains a failed handshake without the URL (it holds the key).
func (c *Client) dialError(ctx context.Context, err error, resp *http.Response) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if resp != nil {
		switch resp.StatusCode {
		case http.StatusUnauthorized, http.StatusForbidden:
			// The server closes before accepting on a wrong key, which
			// the client sees as a refused handshake.
			return finalError{fmt.Errorf("events socket refused the session key (HTTP %d): %w", resp.StatusCode, backend.ErrUnauthorized)}
		case http.StatusServiceUnavailable:
			return fmt.Errorf("events socket: agent-server not ready (HTTP 503): %w", backend.ErrUnavailable)
		default:
			return fmt.Errorf("events socket handshake refused (HTTP %d): %w", resp.StatusCode, backend.ErrUnavailable)
		}
	}
	msg := clientkit.ShortNetError(err)
	if k := c.key.Reveal(); k != "" {
		msg = strings.ReplaceAll(msg, k, "••••")
	}
	return fmt.Errorf("events socket at %s unreachable (%s): %w", c.api.CurrentBase().Host, msg, backend.ErrUnavailable)
}

// read delivers frames until the connection fails or is closed. The idle
// deadline starts again whenever it goes back to reading: time spent
// waiting for the stream to take a frame is not the server's silence.
func (w *wsConn) read(extend, answered func()) {
	defer w.wg.Done()
	defer close(w.frames)
	for {
		extend()
		typ, r, err := w.ws.NextReader()
		if err != nil {
			w.err = err
			return
		}
		answered()
		if typ != websocket.TextMessage && typ != websocket.BinaryMessage {
			continue
		}
		// A large frame on a slow link is progress, not silence.
		data, err := readFrame(progressReader{r, answered}, w.tuning.MaxFrame)
		if err != nil {
			w.err = err
			return
		}
		f := frame{bad: data == nil}
		if data != nil {
			var derr error
			f.d, derr = decodeEvent(data, w.rawCap)
			f.bad = derr != nil
		}
		if !w.hand(f) {
			return
		}
	}
}

// hand gives a frame to the stream; false when the connection is closed.
// While the stream is behind, the reader waits here, and alive is told so.
func (w *wsConn) hand(f frame) bool {
	select {
	case w.frames <- f:
		return true
	default:
	}
	w.alive.handingOff(true)
	defer w.alive.handingOff(false)
	select {
	case w.frames <- f:
		return true
	case <-w.done:
		return false
	}
}

// readFrame reads one message, keeping at most max bytes: a bigger one
// is drained and returned as nil, so one huge event costs a REST fetch
// instead of the connection.
func readFrame(r io.Reader, max int64) ([]byte, error) {
	data, err := io.ReadAll(io.LimitReader(r, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(data)) > max {
		_, err := io.Copy(io.Discard, r)
		return nil, err
	}
	if data == nil {
		data = []byte{}
	}
	return data, nil
}

// progressReader counts every chunk of a frame as an answer (which also
// extends the read deadline).
type progressReader struct {
	r        io.Reader
	answered func()
}

// Read reads and records progress.
func (p progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.answered()
	}
	return n, err
}

// close tears the connection down and waits for the reader. Safe to call
// more than once.
func (w *wsConn) close() {
	w.once.Do(func() {
		close(w.done)
		_ = w.ws.Close()
		w.wg.Wait()
	})
}

// finalError marks a failure that reconnecting cannot fix.
type finalError struct{ error }

// Unwrap returns the failure itself.
func (f finalError) Unwrap() error { return f.error }

// closedError explains why the socket ended; 4001 and 4004 are final.
func (w *wsConn) closedError() error {
	var ce *websocket.CloseError
	if errors.As(w.err, &ce) {
		text := sanitizeLine(ce.Text, 120)
		switch ce.Code {
		case closeAuthFailed:
			return finalError{fmt.Errorf("events socket: session key refused (close 4001): %w", backend.ErrUnauthorized)}
		case closeNotFound:
			return finalError{fmt.Errorf("events socket: conversation not found (close 4004): %w", backend.ErrNotFound)}
		case closeTooManyRequests:
			if text == "" {
				text = "too many subscribers"
			}
			return fmt.Errorf("events socket: %s (close 1013): %w", text, backend.ErrUnavailable)
		}
		return fmt.Errorf("events socket closed (code %d %s): %w", ce.Code, text, backend.ErrUnavailable)
	}
	var ne interface{ Timeout() bool }
	if errors.As(w.err, &ne) && ne.Timeout() {
		return fmt.Errorf("events socket silent for %s: %w", w.tuning.IdleTimeout, backend.ErrUnavailable)
	}
	if w.err == nil {
		return fmt.Errorf("events socket closed: %w", backend.ErrUnavailable)
	}
	return fmt.Errorf("events socket lost (%s): %w", clientkit.ShortNetError(w.err), backend.ErrUnavailable)
}

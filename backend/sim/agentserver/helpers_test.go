package agentserver_test

// The tests drive the emulator through a deliberately small raw client
// (net/http + gorilla/websocket) so that they check the wire protocol as
// PROTOCOL.md states it, not the behaviour of any ohdash client package.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

const testKey = "sk-test-0123456789"

type env struct {
	t   testing.TB
	srv *agentserver.Server
	ts  *httptest.Server
	key string
}

// start runs an emulator on a local port; the key defaults to testKey
// unless opts.Keys is set (use []string{} for auth off).
func start(t testing.TB, opts agentserver.Options) *env {
	t.Helper()
	if opts.Keys == nil {
		opts.Keys = []string{testKey}
	}
	srv, err := agentserver.New(opts)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
	})
	key := ""
	if len(opts.Keys) > 0 {
		key = opts.Keys[0]
	}
	return &env{t: t, srv: srv, ts: ts, key: key}
}

// do sends a request with the session key and returns status and body.
func (e *env) do(method, path string, body any) (int, []byte) {
	e.t.Helper()
	return e.doKey(method, path, body, e.key)
}

func (e *env) doKey(method, path string, body any, key string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			e.t.Fatalf("marshal: %v", err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, e.ts.URL+path, rd)
	if err != nil {
		e.t.Fatalf("request: %v", err)
	}
	if key != "" {
		req.Header.Set("X-Session-API-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		e.t.Fatalf("read %s %s: %v", method, path, err)
	}
	return resp.StatusCode, out
}

// getJSON GETs path, requires want, and decodes the body into v.
func (e *env) getJSON(path string, want int, v any) {
	e.t.Helper()
	status, body := e.do(http.MethodGet, path, nil)
	if status != want {
		e.t.Fatalf("GET %s: status %d, want %d: %s", path, status, want, body)
	}
	if v != nil {
		if err := json.Unmarshal(body, v); err != nil {
			e.t.Fatalf("GET %s: decode %s: %v", path, body, err)
		}
	}
}

func (e *env) expect(method, path string, body any, want int) []byte {
	e.t.Helper()
	status, out := e.do(method, path, body)
	if status != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, status, want, out)
	}
	return out
}

func (e *env) seed(spec agentserver.SeedSpec) string {
	e.t.Helper()
	id, err := e.srv.Seed(spec)
	if err != nil {
		e.t.Fatalf("Seed: %v", err)
	}
	return id
}

func (e *env) waitStatus(id, status string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.srv.WaitStatus(ctx, id, status); err != nil {
		got, _ := e.srv.Status(id)
		e.t.Fatalf("wait for %s: %v (status %s)", status, err, got)
	}
}

// wsURL builds the events socket URL with the given query.
func (e *env) wsURL(id string, q url.Values) string {
	u := "ws" + strings.TrimPrefix(e.ts.URL, "http") + "/sockets/events/" + id
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

func (e *env) dial(id string, q url.Values, h http.Header) (*websocket.Conn, *http.Response, error) {
	conn, resp, err := websocket.DefaultDialer.Dial(e.wsURL(id, q), h)
	if err == nil {
		e.t.Cleanup(func() { conn.Close() })
	}
	return conn, resp, err
}

// dialKey connects with the deprecated query-string key, which every
// version accepts.
func (e *env) dialKey(id string, extra url.Values) *websocket.Conn {
	e.t.Helper()
	q := url.Values{}
	for k, v := range extra {
		q[k] = v
	}
	if e.key != "" {
		q.Set("session_api_key", e.key)
	}
	conn, resp, err := e.dial(id, q, nil)
	if err != nil {
		e.t.Fatalf("dial %s: %v (response %v)", id, err, status(resp))
	}
	return conn
}

func status(resp *http.Response) any {
	if resp == nil {
		return nil
	}
	return resp.StatusCode
}

// event is a decoded frame or REST item.
type event map[string]any

func (ev event) kind() string { s, _ := ev["kind"].(string); return s }
func (ev event) id() string   { s, _ := ev["id"].(string); return s }
func (ev event) str(k string) string {
	s, _ := ev[k].(string)
	return s
}

// read reads one frame as an event, failing after timeout.
func read(t testing.TB, conn *websocket.Conn, timeout time.Duration) event {
	t.Helper()
	ev, err := tryRead(conn, timeout)
	if err != nil {
		t.Fatalf("read frame: %v", err)
	}
	return ev
}

func tryRead(conn *websocket.Conn, timeout time.Duration) (event, error) {
	_ = conn.SetReadDeadline(time.Now().Add(timeout))
	_, data, err := conn.ReadMessage()
	if err != nil {
		return nil, err
	}
	var ev event
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, err
	}
	return ev, nil
}

// tryReadID reads one frame and decodes only its id (cheap for 10k frames).
func tryReadID(conn *websocket.Conn, timeout time.Duration) (string, error) {
	_ = conn.SetReadDeadline(time.Now().Add(timeout))
	_, data, err := conn.ReadMessage()
	if err != nil {
		return "", err
	}
	var ev struct {
		ID string `json:"id"`
	}
	err = json.Unmarshal(data, &ev)
	return ev.ID, err
}

// readN reads exactly n frames, then requires silence for a moment: a
// frame count that does not depend on timing.
func readN(t testing.TB, conn *websocket.Conn, n int) []event {
	t.Helper()
	out := make([]event, 0, n)
	for len(out) < n {
		ev, err := tryRead(conn, 10*time.Second)
		if err != nil {
			t.Fatalf("frame %d of %d: %v", len(out)+1, n, err)
		}
		out = append(out, ev)
	}
	if ev, err := tryRead(conn, 200*time.Millisecond); err == nil {
		t.Fatalf("frame beyond the %d expected: %v", n, ev)
	}
	return out
}

// quiet requires that no frame arrives for a moment.
func quiet(t testing.TB, conn *websocket.Conn) {
	t.Helper()
	if ev, err := tryRead(conn, 300*time.Millisecond); err == nil {
		t.Fatalf("unexpected frame %v", ev)
	}
}

// readUntil reads frames until pred holds for one, returning all read.
func readUntil(t testing.TB, conn *websocket.Conn, pred func(event) bool) []event {
	t.Helper()
	var got []event
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		ev := read(t, conn, time.Until(deadline))
		got = append(got, ev)
		if pred(ev) {
			return got
		}
	}
	t.Fatalf("condition not met after %d frames", len(got))
	return nil
}

func isStatus(s string) func(event) bool {
	return func(ev event) bool {
		return ev.kind() == "ConversationStateUpdateEvent" && ev["key"] == "execution_status" && ev["value"] == s
	}
}

// allEvents pages through …/events/search to the end.
func (e *env) allEvents(id string, query string) []event {
	e.t.Helper()
	var out []event
	page := ""
	for i := 0; ; i++ {
		path := "/api/conversations/" + id + "/events/search?limit=100" + query
		if page != "" {
			path += "&page_id=" + url.QueryEscape(page)
		}
		var p struct {
			Items      []event `json:"items"`
			NextPageID *string `json:"next_page_id"`
		}
		e.getJSON(path, http.StatusOK, &p)
		out = append(out, p.Items...)
		if p.NextPageID == nil {
			return out
		}
		page = *p.NextPageID
		if i > 100000 {
			e.t.Fatal("paging does not end")
		}
	}
}

func closeCode(err error) int {
	var ce *websocket.CloseError
	if errors.As(err, &ce) {
		return ce.Code
	}
	return -1
}

func mustJSON(t testing.TB, data []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(data, v); err != nil {
		t.Fatalf("decode %s: %v", data, err)
	}
}

// newID returns a random dashed UUID that no conversation has.
func newID() string { return wire.NewUUID() }

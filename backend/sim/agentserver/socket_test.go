package agentserver_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
)

func TestSocketAuthForms(t *testing.T) {
	e := start(t, agentserver.Options{AuthTimeout: 200 * time.Millisecond})
	id := e.seed(agentserver.SeedSpec{})

	// 1. Query parameter and header: checked before accept.
	conn, _, err := e.dial(id, url.Values{"session_api_key": {testKey}}, nil)
	if err != nil {
		t.Fatalf("query key: %v", err)
	}
	if first := read(t, conn, 5*time.Second); first.str("key") != "full_state" {
		t.Errorf("query key: first frame %v", first)
	}
	if _, _, err := e.dial(id, nil, http.Header{"X-Session-Api-Key": {testKey}}); err != nil {
		t.Errorf("header key: %v", err)
	}
	for name, try := range map[string]func() (*websocket.Conn, *http.Response, error){
		"bad query": func() (*websocket.Conn, *http.Response, error) {
			return e.dial(id, url.Values{"session_api_key": {"bad"}}, nil)
		},
		"bad header": func() (*websocket.Conn, *http.Response, error) {
			return e.dial(id, nil, http.Header{"X-Session-Api-Key": {"bad"}})
		},
		// A good header does not rescue a bad query key: the query wins.
		"bad query good header": func() (*websocket.Conn, *http.Response, error) {
			return e.dial(id, url.Values{"session_api_key": {"bad"}}, http.Header{"X-Session-Api-Key": {testKey}})
		},
	} {
		_, resp, err := try()
		if err == nil || resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("%s: err %v status %v, want a 403 handshake", name, err, status(resp))
		}
	}

	// 2. First-message auth: accepted, then a 10 s (here 200 ms) wait.
	conn, _, err = e.dial(id, nil, nil)
	if err != nil {
		t.Fatalf("no key: handshake %v", err)
	}
	if err := conn.WriteJSON(map[string]string{"type": "auth", "session_api_key": testKey}); err != nil {
		t.Fatal(err)
	}
	if first := read(t, conn, 5*time.Second); first.str("key") != "full_state" {
		t.Errorf("first-message auth: first frame %v", first)
	}
	for name, frame := range map[string]any{
		"wrong key":  map[string]string{"type": "auth", "session_api_key": "bad"},
		"wrong type": map[string]string{"type": "hello", "session_api_key": testKey},
		"not json":   "auth please",
		"timeout":    nil,
	} {
		conn, _, err := e.dial(id, nil, nil)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch f := frame.(type) {
		case string:
			_ = conn.WriteMessage(websocket.TextMessage, []byte(f))
		case nil:
		default:
			_ = conn.WriteJSON(f)
		}
		if _, err := tryRead(conn, 5*time.Second); closeCode(err) != 4001 {
			t.Errorf("%s: %v, want close 4001", name, err)
		}
	}
}

func TestSocketAuthOnLegacyServer(t *testing.T) {
	e := start(t, agentserver.Options{Version: "1.1.0"})
	id := e.seed(agentserver.SeedSpec{})
	// Only the query string works; a header or no key is refused up front.
	if _, resp, err := e.dial(id, nil, http.Header{"X-Session-Api-Key": {testKey}}); err == nil || status(resp) != http.StatusForbidden {
		t.Errorf("header on 1.1: %v %v, want 403", err, status(resp))
	}
	if _, resp, err := e.dial(id, nil, nil); err == nil || status(resp) != http.StatusForbidden {
		t.Errorf("no key on 1.1: %v %v, want 403", err, status(resp))
	}
	conn := e.dialKey(id, nil)
	if first := read(t, conn, 5*time.Second); first.str("key") != "full_state" {
		t.Errorf("1.1 first frame %v", first)
	}
}

func TestSocketCloseCodes(t *testing.T) {
	e := start(t, agentserver.Options{})
	conn := e.dialKey(newID(), nil)
	if _, err := tryRead(conn, 5*time.Second); closeCode(err) != 4004 {
		t.Errorf("unknown conversation: %v, want 4004", err)
	}
	if _, resp, err := e.dial("not-a-uuid", url.Values{"session_api_key": {testKey}}, nil); err == nil || status(resp) != http.StatusForbidden {
		t.Errorf("bad id: %v %v", err, status(resp))
	}
	if _, resp, err := e.dial(newID(), url.Values{"session_api_key": {testKey}, "resend_mode": {"some"}}, nil); err == nil || status(resp) != http.StatusForbidden {
		t.Errorf("bad resend_mode: %v %v", err, status(resp))
	}

	id := e.seed(agentserver.SeedSpec{})
	for i := range 50 {
		c := e.dialKey(id, nil)
		if first := read(t, c, 5*time.Second); first.str("key") != "full_state" {
			t.Fatalf("subscriber %d: %v", i, first)
		}
	}
	if n := e.srv.Subscribers(id); n != 50 {
		t.Fatalf("%d subscribers", n)
	}
	extra := e.dialKey(id, nil)
	if _, err := tryRead(extra, 5*time.Second); closeCode(err) != 1013 {
		t.Errorf("51st subscriber: %v, want 1013", err)
	}
	// Before v1.22.1 there was no cap.
	old := start(t, agentserver.Options{Version: "1.21.0"})
	oid := old.seed(agentserver.SeedSpec{})
	for range 51 {
		c := old.dialKey(oid, nil)
		if first := read(t, c, 5*time.Second); first.str("key") != "full_state" {
			t.Fatalf("1.21 subscriber refused: %v", first)
		}
	}
}

func TestSocketSnapshotOfInactiveConversation(t *testing.T) {
	for _, c := range []struct {
		version string
		want    string // "" = no snapshot at all
	}{{"1.44.0", "execution_status"}, {"1.30.0", ""}} {
		e := start(t, agentserver.Options{Version: c.version})
		id := e.seed(agentserver.SeedSpec{Turns: 1, Inactive: true})
		conn := e.dialKey(id, url.Values{"resend_all": {"true"}})
		first := read(t, conn, 5*time.Second)
		switch c.want {
		case "":
			if first.kind() != "SystemPromptEvent" {
				t.Errorf("%s: first frame %v, want the replay to start at once", c.version, first.kind())
			}
		default:
			if first.str("key") != c.want || first["value"] != "idle" {
				t.Errorf("%s: first frame %v, want execution_status idle", c.version, first)
			}
		}
	}
}

func TestSocketResendModes(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{Turns: 20})
	all := e.allEvents(id, "")
	connect := func(q url.Values) *websocket.Conn {
		conn := e.dialKey(id, q)
		if snap := read(t, conn, 5*time.Second); snap.str("key") != "full_state" {
			t.Fatalf("first frame %v", snap)
		}
		return conn
	}
	quiet(t, connect(nil)) // no resend: live only
	for name, q := range map[string]url.Values{
		"resend_mode=all": {"resend_mode": {"all"}},
		"resend_all=true": {"resend_all": {"true"}},
	} {
		got := readN(t, connect(q), len(all))
		for i := range got {
			if got[i].id() != all[i].id() {
				t.Fatalf("%s: frame %d is %s, want %s", name, i, got[i].id(), all[i].id())
			}
		}
	}
	// since is inclusive (>=) on the naive timestamp string.
	from := all[100]
	got := readN(t, connect(url.Values{"resend_mode": {"since"}, "after_timestamp": {from.str("timestamp")}}), len(all)-100)
	if got[0].id() != from.id() {
		t.Errorf("since: replay starts at %s, want %s", got[0].id(), from.id())
	}
	// since without after_timestamp replays nothing.
	quiet(t, connect(url.Values{"resend_mode": {"since"}}))
}

func TestSocketLegacyResend(t *testing.T) {
	e := start(t, agentserver.Options{Version: "1.1.0"})
	id := e.seed(agentserver.SeedSpec{Turns: 2})
	n := len(e.allEvents(id, ""))
	connect := func(q url.Values) *websocket.Conn {
		conn := e.dialKey(id, q)
		read(t, conn, 5*time.Second)
		return conn
	}
	// resend_mode did not exist: it is ignored, so nothing is replayed.
	quiet(t, connect(url.Values{"resend_mode": {"all"}}))
	readN(t, connect(url.Values{"resend_all": {"true"}}), n)
}

func TestSocketClientFrames(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{})
	conn := e.dialKey(id, nil)
	read(t, conn, 5*time.Second)
	// A bad frame gets a ServerErrorEvent, and the socket stays open.
	_ = conn.WriteMessage(websocket.TextMessage, []byte("{nope"))
	ev := read(t, conn, 5*time.Second)
	if ev.kind() != "ServerErrorEvent" || ev.str("code") != "JSONDecodeError" || ev.str("source") != "environment" {
		t.Errorf("bad JSON: %v", ev)
	}
	_ = conn.WriteJSON(map[string]any{"role": "robot"})
	if ev := read(t, conn, 5*time.Second); ev.str("code") != "ValidationError" {
		t.Errorf("bad message: %v", ev)
	}
	// A redundant auth frame is ignored; a user message runs.
	_ = conn.WriteJSON(map[string]string{"type": "auth", "session_api_key": testKey})
	_ = conn.WriteJSON(map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": "go"}}})
	frames := readUntil(t, conn, isStatus("finished"))
	for _, f := range frames {
		if f.kind() == "ServerErrorEvent" {
			t.Errorf("unexpected error frame %v", f)
		}
	}
	if frames[0].kind() != "MessageEvent" {
		t.Errorf("first frame after the message: %v", frames[0].kind())
	}
	// Before v1.16.0 a bad frame was only logged.
	old := start(t, agentserver.Options{Version: "1.15.0"})
	oid := old.seed(agentserver.SeedSpec{})
	oconn := old.dialKey(oid, nil)
	read(t, oconn, 5*time.Second)
	_ = oconn.WriteMessage(websocket.TextMessage, []byte("{nope"))
	quiet(t, oconn) // 1.15 only logs a bad frame
}

func TestSocketLiveEventsDuringReplayMayRepeat(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{Events: 3000})
	conn := e.dialKey(id, url.Values{"resend_mode": {"all"}})
	read(t, conn, 5*time.Second)
	// Append while the replay is in flight: each new event arrives live and
	// may arrive again from the replay; nothing may be missing.
	if _, err := e.srv.Generate(id, 500); err != nil {
		t.Fatal(err)
	}
	want, _ := e.srv.EventIDs(id)
	seen := map[string]int{}
	for len(seen) < len(want) {
		id, err := tryReadID(conn, 5*time.Second)
		if err != nil {
			t.Fatalf("after %d distinct events: %v", len(seen), err)
		}
		seen[id]++
	}
	for _, w := range want {
		if seen[w] == 0 {
			t.Fatalf("event %s missing", w)
		}
	}
}

func TestSocketOutlivesDeletedConversation(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{})
	conn := e.dialKey(id, nil)
	read(t, conn, 5*time.Second)
	e.expect(http.MethodDelete, "/api/conversations/"+id, nil, http.StatusOK)
	// The socket stays open but the event service is gone.
	_ = conn.WriteJSON(map[string]any{"role": "user", "content": "still there?"})
	if ev := read(t, conn, 5*time.Second); ev.kind() != "ServerErrorEvent" || ev.str("code") != "ValueError" {
		t.Errorf("frame to a deleted conversation: %v", ev)
	}
}

func TestSocketWarningsAreLoggedWithoutKeys(t *testing.T) {
	var buf syncBuffer
	e := start(t, agentserver.Options{Logger: slog.New(slog.NewTextHandler(&buf, nil))})
	_, _, _ = e.dial(newID(), url.Values{"session_api_key": {"wrong-key-value"}}, nil)
	conn := e.dialKey(newID(), nil)
	_, _ = tryRead(conn, 5*time.Second)
	out := buf.String()
	for _, want := range []string{"authentication failed", "Conversation not found"} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %q: %s", want, out)
		}
	}
	if strings.Contains(out, "wrong-key-value") || strings.Contains(out, testKey) {
		t.Errorf("a key reached the log: %s", out)
	}
}

// syncBuffer is a bytes.Buffer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// TestSocketAnswersPingsDuringReplay: like the real server's protocol
// layer, the emulator answers a ping while its handler is still sending a
// long replay (it used to read, and so answer, only after the replay), so
// a client proving liveness does not see a busy server as a frozen one.
func TestSocketAnswersPingsDuringReplay(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{Events: 5000})
	total := len(e.allEvents(id, ""))
	conn := e.dialKey(id, url.Values{"resend_mode": {"all"}})
	frames, pongAt := 0, -1
	conn.SetPongHandler(func(string) error { pongAt = frames; return nil })
	if err := conn.WriteControl(websocket.PingMessage, nil, time.Now().Add(time.Second)); err != nil {
		t.Fatal(err)
	}
	// Not reading yet fills the socket buffers, so the replay is surely
	// under way, and blocked, when the ping arrives.
	time.Sleep(200 * time.Millisecond)
	read(t, conn, 5*time.Second) // the snapshot
	for frames < total && pongAt < 0 {
		if _, err := tryReadID(conn, 5*time.Second); err != nil {
			t.Fatalf("after %d frames: %v", frames, err)
		}
		frames++
	}
	if pongAt < 0 || pongAt >= total {
		t.Fatalf("the pong came after the whole replay of %d events (at frame %d)", total, pongAt)
	}
	t.Logf("pong after %d of %d replayed frames", pongAt, total)
}

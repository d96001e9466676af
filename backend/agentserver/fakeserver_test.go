package agentserver

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// fakeServer is a small agent-server for this package's own tests: one
// conversation's event log, the search route, and the events socket with
// subscribe → snapshot → replay → live, as the real server orders them.
// The shared emulator (backend/sim) covers the whole API; this one exists
// to aim faults precisely.
type fakeServer struct {
	t       *testing.T
	srv     *httptest.Server
	version string
	key     string
	convID  string // dashed

	stop     chan struct{}
	mu       sync.Mutex
	events   []fakeEvent
	subs     map[*fakeSub]bool
	seq      int
	base     time.Time
	wsCount  int      // connections accepted
	wsQuery  []string // query strings seen (key removed)
	searches int
	// closeWith makes the next sockets close with this code after accept.
	closeWith int
	// silent sockets accept and then never send nor read.
	silent bool
	// noSnapshot skips the state snapshot on subscribe.
	noSnapshot bool
	// searchDelay slows every search.
	searchDelay time.Duration
	// sameStamp gives new events the timestamp of the previous one.
	sameStamp bool
	// truncate cuts the body of the next searches in the middle.
	truncate int
	// subscribeDelay makes sockets subscribe this long after accepting.
	subscribeDelay time.Duration
}

type fakeEvent struct {
	id, ts string
	raw    []byte
}

type fakeSub struct {
	ch   chan []byte
	conn *websocket.Conn
}

const fakeConv = "0b0e7f9e-2b5f-4c43-9a8e-6f1d3a2b1c00"

func newFakeServer(t *testing.T, version string) *fakeServer {
	f := &fakeServer{
		t: t, version: version, key: "test-session-key-1234", convID: fakeConv,
		subs: map[*fakeSub]bool{}, stop: make(chan struct{}), base: time.Date(2026, 6, 16, 5, 39, 18, 0, time.UTC),
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /server_info", func(w http.ResponseWriter, r *http.Request) {
		writeJSONT(w, 200, map[string]any{"version": f.version, "uptime": 12.5, "idle_time": 3.0, "title": "fake"})
	})
	mux.HandleFunc("GET /api/conversations/{id}/events/search", f.search)
	mux.HandleFunc("GET /sockets/events/{id}", f.socket)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		close(f.stop)
		f.dropSockets()
		f.srv.Close()
	})
	return f
}

func writeJSONT(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// stamp returns the next timestamp: naive, microseconds, like isoformat.
func (f *fakeServer) stampLocked() string {
	if !f.sameStamp || f.seq == 0 {
		f.seq++
	}
	return f.base.Add(time.Duration(f.seq) * time.Millisecond).Format("2006-01-02T15:04:05.000000")
}

// add appends an event with the given kind and fields and publishes it.
func (f *fakeServer) add(kind, source string, fields map[string]any) string {
	f.mu.Lock()
	defer f.mu.Unlock()
	ts := f.stampLocked()
	id := fmt.Sprintf("ev-%06d", len(f.events)+1)
	m := map[string]any{"id": id, "timestamp": ts, "source": source, "kind": kind}
	for k, v := range fields {
		m[k] = v
	}
	raw, _ := json.Marshal(m)
	f.events = append(f.events, fakeEvent{id: id, ts: ts, raw: raw})
	f.publishLocked(raw)
	return id
}

// addMessages appends n agent messages.
func (f *fakeServer) addMessages(n int) {
	for i := 0; i < n; i++ {
		f.add("MessageEvent", "agent", map[string]any{
			"llm_message": map[string]any{"role": "assistant", "content": []any{map[string]any{"type": "text", "text": fmt.Sprintf("message %d", i)}}},
		})
	}
}

// publish sends a frame to every subscriber (transient frames included).
func (f *fakeServer) publish(raw []byte) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.publishLocked(raw)
}

func (f *fakeServer) publishLocked(raw []byte) {
	for s := range f.subs {
		select {
		case s.ch <- raw:
		default:
			f.t.Errorf("fake subscriber overflow")
		}
	}
}

// ids returns the server's event ids in log order.
func (f *fakeServer) ids() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := make([]string, len(f.events))
	for i, e := range f.events {
		out[i] = e.id
	}
	return out
}

// waitSubscribed waits until a client socket is subscribed, so frames
// published next reach it.
func (f *fakeServer) waitSubscribed(t *testing.T) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); f.subscribers() == 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no subscriber")
		}
	}
}

func (f *fakeServer) subscribers() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.subs)
}

// dropSockets cuts every open socket without a close frame.
func (f *fakeServer) dropSockets() {
	f.mu.Lock()
	defer f.mu.Unlock()
	for s := range f.subs {
		_ = s.conn.NetConn().Close()
	}
}

func (f *fakeServer) set(fn func()) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn()
}

func (f *fakeServer) search(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("X-Session-API-Key") != f.key {
		writeJSONT(w, 401, map[string]any{"detail": "Unauthorized"})
		return
	}
	if r.PathValue("id") != f.convID && r.PathValue("id") != strings.ReplaceAll(f.convID, "-", "") {
		writeJSONT(w, 404, map[string]any{"detail": "Not Found"})
		return
	}
	q := r.URL.Query()
	limit := 100
	if s := q.Get("limit"); s != "" {
		limit, _ = strconv.Atoi(s)
	}
	if limit > 100 || limit <= 0 {
		writeJSONT(w, 500, map[string]any{"detail": "Internal Server Error"})
		return
	}
	f.mu.Lock()
	f.searches++
	delay := f.searchDelay
	cut := f.truncate > 0
	if cut {
		f.truncate--
	}
	evs := slices.Clone(f.events)
	f.mu.Unlock()
	time.Sleep(delay)
	if q.Get("sort_order") == "TIMESTAMP_DESC" {
		slices.Reverse(evs)
	}
	gte, lt, page := q.Get("timestamp__gte"), q.Get("timestamp__lt"), q.Get("page_id")
	started := page == ""
	var items []json.RawMessage
	next := any(nil)
	for _, e := range evs {
		if !started {
			if e.id != page {
				continue
			}
			started = true
		}
		if (gte != "" && e.ts < gte) || (lt != "" && e.ts >= lt) {
			continue
		}
		if len(items) == limit {
			next = e.id
			break
		}
		items = append(items, e.raw)
	}
	if items == nil {
		items = []json.RawMessage{}
	}
	if cut {
		body, _ := json.Marshal(map[string]any{"items": items, "next_page_id": next})
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		_, _ = w.Write(body[:len(body)*2/3])
		return
	}
	writeJSONT(w, 200, map[string]any{"items": items, "next_page_id": next})
}

var upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}

func (f *fakeServer) socket(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("session_api_key") != f.key {
		http.Error(w, "forbidden", http.StatusForbidden) // close before accept
		return
	}
	conn, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return
	}
	defer conn.Close()
	q.Del("session_api_key")
	sub := &fakeSub{ch: make(chan []byte, 200000), conn: conn}
	f.mu.Lock()
	f.wsCount++
	f.wsQuery = append(f.wsQuery, q.Encode())
	code, silent, snap := f.closeWith, f.silent, !f.noSnapshot
	known := r.PathValue("id") == f.convID || r.PathValue("id") == strings.ReplaceAll(f.convID, "-", "")
	f.mu.Unlock()
	switch {
	case !known:
		code = 4004
	case silent:
		<-f.stop
		return
	}
	if code != 0 {
		_ = conn.WriteMessage(websocket.CloseMessage, websocket.FormatCloseMessage(code, "fake close"))
		return
	}
	f.mu.Lock()
	delay := f.subscribeDelay
	f.mu.Unlock()
	time.Sleep(delay)
	f.mu.Lock()
	f.subs[sub] = true
	ts := f.stampLocked()
	var replay [][]byte
	switch {
	case q.Get("resend_all") == "true" || q.Get("resend_mode") == "all":
		for _, e := range f.events {
			replay = append(replay, e.raw)
		}
	case q.Get("resend_mode") == "since":
		for _, e := range f.events {
			if e.ts >= q.Get("after_timestamp") {
				replay = append(replay, e.raw)
			}
		}
	}
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.subs, sub)
		f.mu.Unlock()
	}()
	gone := make(chan struct{})
	go func() { // read and discard, so control frames are answered
		defer close(gone)
		for {
			if _, _, err := conn.ReadMessage(); err != nil {
				_ = conn.NetConn().Close()
				return
			}
		}
	}()
	defer func() {
		_ = conn.NetConn().Close()
		<-gone
	}()
	if snap {
		frame, _ := json.Marshal(map[string]any{"id": "snap-" + ts, "timestamp": ts, "source": "environment",
			"kind": "ConversationStateUpdateEvent", "key": "full_state", "value": map[string]any{"execution_status": "running"}})
		if conn.WriteMessage(websocket.TextMessage, frame) != nil {
			return
		}
	}
	for _, raw := range replay {
		if conn.WriteMessage(websocket.TextMessage, raw) != nil {
			return
		}
	}
	for {
		select {
		case raw := <-sub.ch:
			if conn.WriteMessage(websocket.TextMessage, raw) != nil {
				return
			}
		case <-gone:
			return
		case <-f.stop:
			return
		}
	}
}

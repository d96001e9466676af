package nestedv0_test

// Tests talk to the V0 nested server with plain net/http, checking the
// routes and shapes of PROTOCOL.md §6.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/nestedv0"
)

const key = "v0-session-key"

type v0env struct {
	t   *testing.T
	srv *nestedv0.Server
	ts  *httptest.Server
	id  string
}

func startV0(t *testing.T, opts nestedv0.Options) *v0env {
	t.Helper()
	srv, err := nestedv0.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(func() { ts.Close(); srv.Close() })
	return &v0env{t: t, srv: srv, ts: ts, id: srv.ConversationID()}
}

func (e *v0env) call(method, path string, body any, k string) (int, []byte) {
	e.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, e.ts.URL+path, rd)
	if k != "" {
		req.Header.Set("X-Session-API-Key", k)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

func (e *v0env) want(method, path string, body any, status int, v any) {
	e.t.Helper()
	got, out := e.call(method, path, body, key)
	if got != status {
		e.t.Fatalf("%s %s: %d, want %d: %s", method, path, got, status, out)
	}
	if v != nil {
		if err := json.Unmarshal(out, v); err != nil {
			e.t.Fatalf("%s %s: %s: %v", method, path, out, err)
		}
	}
}

func (e *v0env) waitStatus(status string) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.srv.WaitStatus(ctx, status); err != nil {
		e.t.Fatal(err)
	}
}

type page struct {
	Events  []map[string]any `json:"events"`
	HasMore bool             `json:"has_more"`
}

func TestV0ConversationAndAuth(t *testing.T) {
	id := "0123456789abcdef0123456789abcdef"
	// A runtime that stays STARTING for the whole test, then one that
	// becomes RUNNING after a short delay.
	starting := startV0(t, nestedv0.Options{ConversationID: id, Key: key, StartDelay: time.Hour})
	var info map[string]any
	starting.want(http.MethodGet, "/api/conversations/"+id, nil, http.StatusOK, &info)
	if info["status"] != "STARTING" || info["runtime_status"] != "STATUS$STARTING_RUNTIME" {
		t.Errorf("starting info: %v", info)
	}
	e := startV0(t, nestedv0.Options{ConversationID: id, Key: key, StartDelay: 20 * time.Millisecond})
	if status, _ := e.call(http.MethodGet, "/api/conversations/"+id, nil, ""); status != http.StatusUnauthorized {
		t.Errorf("no key: %d", status)
	}
	if status, _ := e.call(http.MethodGet, "/api/conversations/"+id, nil, "wrong"); status != http.StatusUnauthorized {
		t.Errorf("wrong key: %d", status)
	}
	if status, body := e.call(http.MethodGet, "/health", nil, ""); status != http.StatusOK || string(body) != `"OK"` {
		t.Errorf("/health: %d %s", status, body)
	}
	e.waitStatus(nestedv0.StatusRunning)
	e.want(http.MethodGet, "/api/conversations/"+id, nil, http.StatusOK, &info)
	if info["runtime_status"] != "STATUS$READY" || info["conversation_id"] != id ||
		info["conversation_version"] != "V0" || info["title"] != "Conversation 01234" {
		t.Errorf("running info: %v", info)
	}
	for _, k := range []string{"last_updated_at", "created_at", "url", "num_connections"} {
		if _, ok := info[k]; !ok {
			t.Errorf("info lacks %s", k)
		}
	}
	// An unknown id is answered with null, not 404.
	status, body := e.call(http.MethodGet, "/api/conversations/ffffffffffffffffffffffffffffffff", nil, key)
	if status != http.StatusOK || string(body) != "null" {
		t.Errorf("unknown id: %d %s", status, body)
	}
	var list struct {
		Results    []map[string]any `json:"results"`
		NextPageID *string          `json:"next_page_id"`
	}
	e.want(http.MethodGet, "/api/conversations", nil, http.StatusOK, &list)
	if len(list.Results) != 1 || list.Results[0]["conversation_id"] != id {
		t.Errorf("list: %+v", list)
	}
}

func TestV0MessageAndEvents(t *testing.T) {
	e := startV0(t, nestedv0.Options{Key: key, Pace: time.Millisecond})
	e.waitStatus(nestedv0.StatusRunning)
	e.want(http.MethodPost, "/api/conversations/"+e.id+"/message", map[string]string{"message": "run the tests"}, http.StatusOK, nil)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := e.srv.WaitEventCount(ctx, 8); err != nil {
		t.Fatalf("agent did not answer: %v", err)
	}
	var p page
	e.want(http.MethodGet, "/api/conversations/"+e.id+"/events?start_id=0&limit=100", nil, http.StatusOK, &p)
	if len(p.Events) != 8 || p.HasMore {
		t.Fatalf("%d events, has_more %v", len(p.Events), p.HasMore)
	}
	for i, ev := range p.Events {
		if ev["id"] != float64(i) {
			t.Errorf("event %d has id %v", i, ev["id"])
		}
		_, isAction := ev["action"]
		_, isObs := ev["observation"]
		if isAction == isObs {
			t.Errorf("event %d is not exactly one of action/observation: %v", i, ev)
		}
	}
	user := p.Events[2]
	if user["action"] != "message" || user["source"] != "user" || user["message"] != "run the tests" {
		t.Errorf("user message %v", user)
	}
	obs := p.Events[5]
	if obs["observation"] != "run" || obs["cause"] != p.Events[4]["id"] {
		t.Errorf("observation %v does not point at its action", obs)
	}
	// Paging: start_id, end_id inclusive, limit, reverse, has_more.
	e.want(http.MethodGet, "/api/conversations/"+e.id+"/events?start_id=2&limit=3", nil, http.StatusOK, &p)
	if len(p.Events) != 3 || p.Events[0]["id"] != 2.0 || !p.HasMore {
		t.Errorf("start_id=2 limit=3: %d from %v more %v", len(p.Events), p.Events[0]["id"], p.HasMore)
	}
	e.want(http.MethodGet, "/api/conversations/"+e.id+"/events?start_id=1&end_id=3", nil, http.StatusOK, &p)
	if len(p.Events) != 3 || p.Events[2]["id"] != 3.0 || p.HasMore {
		t.Errorf("end_id inclusive: %v", p.Events)
	}
	e.want(http.MethodGet, "/api/conversations/"+e.id+"/events?reverse=true&limit=2", nil, http.StatusOK, &p)
	if len(p.Events) != 2 || p.Events[0]["id"] != 7.0 || !p.HasMore {
		t.Errorf("reverse: %v", p.Events)
	}
	e.want(http.MethodGet, "/api/conversations/"+e.id+"/events?limit=101", nil, http.StatusBadRequest, nil)
	e.want(http.MethodGet, "/api/conversations/ffff/events", nil, http.StatusNotFound, nil)
	// A raw event dict.
	e.want(http.MethodPost, "/api/conversations/"+e.id+"/events",
		map[string]any{"action": "message", "args": map[string]any{"content": "raw hi"}, "source": "user"}, http.StatusOK, nil)
	if n := len(e.srv.Events()); n < 9 {
		t.Errorf("raw event not stored: %d", n)
	}
}

func TestV0StopAfterDelay(t *testing.T) {
	e := startV0(t, nestedv0.Options{Key: key, StopDelay: 50 * time.Millisecond})
	e.waitStatus(nestedv0.StatusRunning)
	var resp map[string]any
	e.want(http.MethodPost, "/api/conversations/"+e.id+"/stop", nil, http.StatusOK, &resp)
	if resp["status"] != "ok" || resp["conversation_status"] != "RUNNING" {
		t.Errorf("stop: %v", resp)
	}
	if e.srv.Status() != nestedv0.StatusRunning {
		t.Errorf("stopped before the delay")
	}
	e.waitStatus(nestedv0.StatusStopped)
	e.want(http.MethodPost, "/api/conversations/"+e.id+"/stop", nil, http.StatusOK, &resp)
	if resp["message"] != "Conversation was not running" {
		t.Errorf("second stop: %v", resp)
	}
	// A stopped conversation has no agent loop: messages 404.
	e.want(http.MethodPost, "/api/conversations/"+e.id+"/message", map[string]string{"message": "hi"}, http.StatusNotFound, nil)
	e.want(http.MethodPost, "/api/conversations/"+e.id+"/start", map[string]any{}, http.StatusOK, &resp)
	e.waitStatus(nestedv0.StatusRunning)
}

func TestV0ControlAndKey(t *testing.T) {
	e := startV0(t, nestedv0.Options{Key: key})
	var gen struct{ Total int }
	e.want(http.MethodPost, "/_sim/generate", map[string]int{"count": 1000}, http.StatusOK, &gen)
	var all struct {
		Events []json.RawMessage `json:"events"`
		Count  int               `json:"count"`
	}
	e.want(http.MethodGet, "/_sim/events", nil, http.StatusOK, &all)
	if all.Count != gen.Total || gen.Total < 1000 {
		t.Errorf("generate %d, events %d", gen.Total, all.Count)
	}
	e.want(http.MethodPost, "/_sim/status", map[string]string{"status": "ERROR"}, http.StatusNoContent, nil)
	if e.srv.Status() != nestedv0.StatusError {
		t.Errorf("status %s", e.srv.Status())
	}
	e.want(http.MethodPut, "/_sim/faults", map[string]any{"error_rate": 1}, http.StatusOK, nil)
	e.want(http.MethodGet, "/api/conversations", nil, http.StatusInternalServerError, nil)
	// sha256("secret:id"), urlsafe base64, no padding: 43 characters.
	if k := nestedv0.DeriveKey("jwt-secret", e.id); len(k) != 43 || k != nestedv0.DeriveKey("jwt-secret", e.id) {
		t.Errorf("DeriveKey %q", k)
	}
}

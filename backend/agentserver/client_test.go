package agentserver

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// recorder is an httptest server answering from a route table and
// remembering every request.
type recorder struct {
	srv    *httptest.Server
	mu     sync.Mutex
	reqs   []*http.Request
	bodies []string
}

func newRecorder(t *testing.T, routes map[string]http.HandlerFunc) (*recorder, *Client) {
	t.Helper()
	rec := &recorder{}
	mux := http.NewServeMux()
	for pattern, h := range routes {
		mux.HandleFunc(pattern, h)
	}
	rec.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rec.mu.Lock()
		rec.reqs = append(rec.reqs, r)
		rec.bodies = append(rec.bodies, string(b))
		rec.mu.Unlock()
		mux.ServeHTTP(w, r)
	}))
	t.Cleanup(rec.srv.Close)
	c, err := New(rec.srv.URL+"/", backend.NewSecret("k-123456789012"), Options{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.api.HTTP.CloseIdleConnections)
	return rec, c
}

func (r *recorder) last() (*http.Request, string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.reqs[len(r.reqs)-1], r.bodies[len(r.bodies)-1]
}

func status(code int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(code)
		_, _ = io.WriteString(w, body)
	}
}

const convHex = "0b0e7f9e2b5f4c439a8e6f1d3a2b1c00"

func TestErrorMapping(t *testing.T) {
	ctx := context.Background()
	cases := []struct {
		name  string
		route string
		reply http.HandlerFunc
		call  func(*Client) error
		want  error
		text  string
	}{
		{"401 wrong key", "POST /api/conversations/{id}/run", status(401, `{"detail":"Unauthorized"}`),
			func(c *Client) error { return c.Run(ctx, convHex) }, backend.ErrUnauthorized, "session API key refused"},
		{"404 unknown", "GET /api/conversations/{id}", status(404, `{"detail":"Not Found"}`),
			func(c *Client) error { _, err := c.Conversation(ctx, convHex); return err }, backend.ErrNotFound, "not found"},
		{"400 pause unknown", "POST /api/conversations/{id}/pause", status(400, `{"detail":"bad"}`),
			func(c *Client) error { return c.Pause(ctx, convHex) }, backend.ErrNotFound, "conversation not found"},
		{"400 delete unknown", "DELETE /api/conversations/{id}", status(400, `{"detail":"bad"}`),
			func(c *Client) error { return c.Delete(ctx, convHex) }, backend.ErrNotFound, ""},
		{"409 already running", "POST /api/conversations/{id}/run", status(409, `{"detail":"conversation_already_running"}`),
			func(c *Client) error { return c.Run(ctx, convHex) }, backend.ErrConflict, "conversation_already_running"},
		{"503 dormant", "GET /api/conversations/search", status(503, `{"detail":"initializing"}`),
			func(c *Client) error { _, err := c.Conversations(ctx); return err }, backend.ErrUnavailable, "dormant"},
		{"malformed body", "GET /api/conversations/count", status(200, `{"oops`),
			func(c *Client) error { _, err := c.CountConversations(ctx, ""); return err }, ErrBadResponse, ""},
		{"wrong shape", "GET /api/conversations/{id}", status(200, `[1,2]`),
			func(c *Client) error { _, err := c.Conversation(ctx, convHex); return err }, ErrBadResponse, ""},
		{"hostile detail", "POST /api/conversations/{id}/run", status(500, `{"detail":"boom \u001b]0;pwned\u0007 \u001b[2Jdone"}`),
			func(c *Client) error { return c.Run(ctx, convHex) }, nil, "HTTP 500: boom  done"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, c := newRecorder(t, map[string]http.HandlerFunc{tc.route: tc.reply})
			err := tc.call(c)
			if err == nil || (tc.want != nil && !errors.Is(err, tc.want)) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.text) || strings.ContainsRune(err.Error(), 0x1b) {
				t.Errorf("message %q should contain %q and no escapes", err, tc.text)
			}
			if strings.Contains(err.Error(), "k-123456789012") {
				t.Error("message carries the key")
			}
		})
	}
}

func TestNetworkErrorsAndTimeouts(t *testing.T) {
	ctx := context.Background()
	c, err := New("http://127.0.0.1:1", backend.NewSecret("k"), Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Conversations(ctx); !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "unreachable") {
		t.Errorf("refused connection: %v", err)
	}
	block := make(chan struct{})
	_, slow := newRecorder(t, map[string]http.HandlerFunc{"GET /health": func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-block:
		case <-r.Context().Done():
		}
	}})
	defer close(block)
	slow.api.Timeout = 50 * time.Millisecond
	if err := slow.Health(ctx); !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "in time") {
		t.Errorf("silent server: %v", err)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if err := slow.Health(cctx); !errors.Is(err, context.Canceled) || errors.Is(err, backend.ErrUnavailable) {
		t.Errorf("caller cancellation should stay context.Canceled: %v", err)
	}
}

func TestRequestsCarryKeyAndBodies(t *testing.T) {
	ok := status(200, `{"success":true}`)
	rec, c := newRecorder(t, map[string]http.HandlerFunc{
		"POST /api/conversations/{id}/events":                         ok,
		"POST /api/conversations/{id}/events/respond_to_confirmation": ok,
	})
	ctx := context.Background()
	if err := c.SendMessage(ctx, strings.ToUpper(convHex), "fix the test"); err != nil {
		t.Fatal(err)
	}
	r, body := rec.last()
	if r.Header.Get("X-Session-API-Key") != "k-123456789012" {
		t.Error("no session key header")
	}
	if r.URL.Path != "/api/conversations/0b0e7f9e-2b5f-4c43-9a8e-6f1d3a2b1c00/events" {
		t.Errorf("path %s: want the canonical dashed id", r.URL.Path)
	}
	if body != `{"role":"user","content":[{"type":"text","text":"fix the test"}],"run":true}` {
		t.Errorf("message body %s", body)
	}
	if err := c.RespondToConfirmation(ctx, convHex, false, ""); err != nil {
		t.Fatal(err)
	}
	if _, body := rec.last(); body != `{"accept":false,"reason":"User rejected the action."}` {
		t.Errorf("reject body %s", body)
	}
	if err := c.RespondToConfirmation(ctx, convHex, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, body := rec.last(); body != `{"accept":true}` {
		t.Errorf("accept body %s", body)
	}
	if err := c.Pause(ctx, "not-an-id"); !errors.Is(err, backend.ErrInvalidID) {
		t.Errorf("bad id: %v", err)
	}
}

func TestHealthAcceptsBothShapes(t *testing.T) {
	for body, healthy := range map[string]bool{`"OK"`: true, `{"status":"ok"}`: true, `{"status":"down"}`: false, `"nope"`: false} {
		_, c := newRecorder(t, map[string]http.HandlerFunc{"GET /health": status(200, body)})
		if err := c.Health(context.Background()); (err == nil) != healthy {
			t.Errorf("health %s: err %v", body, err)
		}
	}
}

func TestServerVersionParsing(t *testing.T) {
	for in, want := range map[string][3]int{"1.43.1": {1, 43, 1}, "v1.15.0": {1, 15, 0}, "1.4": {1, 4, 0}, "1.23.0.dev3": {1, 23, 0}, "1.22rc1": {1, 22, 0}} {
		v, err := ParseServerVersion(in)
		if err != nil || [3]int{v.Major, v.Minor, v.Patch} != want {
			t.Errorf("%s → %+v %v", in, v, err)
		}
	}
	if _, err := ParseServerVersion("unknown"); err == nil {
		t.Error("garbage version accepted")
	}
	v, _ := ParseServerVersion("1.14.9")
	if v.HasResendSince() || v.HasInterrupt() {
		t.Error("1.14.9 features")
	}
	v, _ = ParseServerVersion("1.23.0")
	if !v.HasResendSince() || !v.HasInterrupt() || !v.HasReady() {
		t.Error("1.23.0 features")
	}
}

func TestInterruptFallsBackToPause(t *testing.T) {
	rec, c := newRecorder(t, map[string]http.HandlerFunc{
		"POST /api/conversations/{id}/pause": status(200, `{"success":true}`),
		// no interrupt route: the mux answers 404
	})
	out, err := c.Interrupt(context.Background(), convHex)
	if err != nil || out != backend.PausedInstead {
		t.Fatalf("interrupt on an old server: %v %v", out, err)
	}
	if r, _ := rec.last(); !strings.HasSuffix(r.URL.Path, "/pause") {
		t.Errorf("last call %s", r.URL.Path)
	}
}

func TestConversationPagingAndCost(t *testing.T) {
	page := func(ids []string, next any) string {
		var items []map[string]any
		for _, id := range ids {
			items = append(items, map[string]any{
				"id": id, "title": "t \x1b[31m" + id[:4], "execution_status": "running",
				"created_at": "2026-06-16T05:39:18.809928Z", "updated_at": "2026-06-16T05:40:18+00:00",
				"agent":   map[string]any{"kind": "Agent", "llm": map[string]any{"model": "m"}},
				"metrics": nil,
				"stats": map[string]any{"usage_to_metrics": map[string]any{
					"default":   map[string]any{"model_name": "m", "accumulated_cost": 1.5, "accumulated_token_usage": map[string]any{"prompt_tokens": 35895, "completion_tokens": 960, "cache_read_tokens": 1115}},
					"condenser": map[string]any{"model_name": "m", "accumulated_cost": 0.25, "accumulated_token_usage": map[string]any{"prompt_tokens": 5}},
				}},
			})
		}
		b, _ := json.Marshal(map[string]any{"items": items, "next_page_id": next})
		return string(b)
	}
	a := []string{"11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"}
	b := []string{"33333333-3333-3333-3333-333333333333"}
	rec, c := newRecorder(t, map[string]http.HandlerFunc{"GET /api/conversations/search": func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("limit") != "100" {
			http.Error(w, "limit", 500)
			return
		}
		switch r.URL.Query().Get("page_id") {
		case "":
			_, _ = io.WriteString(w, page(a, "33333333333333333333333333333333"))
		case "33333333333333333333333333333333":
			_, _ = io.WriteString(w, page(b, nil))
		}
	}})
	list, err := c.Conversations(context.Background())
	if err != nil || len(list) != 3 {
		t.Fatalf("list %d %v", len(list), err)
	}
	if len(rec.reqs) != 2 {
		t.Errorf("%d requests", len(rec.reqs))
	}
	conv := list[0]
	if conv.Cost != 1.75 || conv.Tokens.Prompt != 35900 || conv.Tokens.Completion != 960 || conv.Tokens.CacheRead != 1115 {
		t.Errorf("cost %v tokens %+v", conv.Cost, conv.Tokens)
	}
	if conv.Title != "t 1111" || conv.Model != "m" || conv.Status != backend.ExecRunning || conv.UpdatedAt.IsZero() {
		t.Errorf("conversation %+v", conv)
	}
}

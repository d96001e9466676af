package runtimeapi

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// These tests drive the simulator over HTTP the way OpenHands' clients do
// and check the shapes and lifecycle PROTOCOL §5 documents.

const key = "test-api-key"

type harness struct {
	t     *testing.T
	sim   *Sim
	clock *ManualClock
	srv   *httptest.Server
}

func newHarness(t *testing.T, cfg Config) *harness {
	t.Helper()
	clock := NewManualClock(time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC))
	cfg.APIKey, cfg.Now, cfg.Seed = key, clock.Now, 42
	s := New(cfg)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &harness{t: t, sim: s, clock: clock, srv: srv}
}

// call sends an API request and decodes the JSON answer into out.
func (h *harness) call(method, path string, body, out any) int {
	h.t.Helper()
	var rd io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, h.srv.URL+path, rd)
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
			h.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp.StatusCode
}

func (h *harness) start(session string) RuntimeInfo {
	h.t.Helper()
	var rt RuntimeInfo
	if code := h.call("POST", "/start", map[string]any{
		"image": "img", "command": "/usr/local/bin/openhands-agent-server --port 60000",
		"session_id": session, "resource_factor": 2,
	}, &rt); code != 200 {
		h.t.Fatalf("start: HTTP %d", code)
	}
	return rt
}

func TestLifecycleFollowsTheClock(t *testing.T) {
	h := newHarness(t, Config{PendingFor: 2 * time.Second, ReadyAfter: 3 * time.Second, ListStoppedFor: time.Minute, ForgetStoppedAfter: time.Hour})
	rt := h.start("s1")
	if rt.PodStatus != "" || rt.Status != "starting" || rt.SessionAPIKey == "" {
		t.Fatalf("/start answer: %+v", rt)
	}
	if again := h.start("s1"); again.RuntimeID != rt.RuntimeID {
		t.Fatal("a second /start of a live session made a new runtime")
	}
	states := []struct {
		after       time.Duration
		status, pod string
	}{{0, "starting", "pending"}, {2 * time.Second, "running", "running"}, {3 * time.Second, "running", "ready"}}
	for _, s := range states {
		h.clock.Advance(s.after)
		var got RuntimeInfo
		h.call("GET", "/sessions/s1", nil, &got)
		if got.Status != s.status || got.PodStatus != s.pod || got.SessionID != "" {
			t.Fatalf("after %v: %s/%s (session_id %q), want %s/%s", s.after, got.Status, got.PodStatus, got.SessionID, s.status, s.pod)
		}
	}
	for _, op := range []struct{ path, status string }{{"/pause", "paused"}, {"/resume", "starting"}, {"/stop", "stopped"}} {
		var got RuntimeInfo
		if code := h.call("POST", op.path, map[string]string{"runtime_id": rt.RuntimeID}, &got); code != 200 || got.Status != op.status {
			t.Fatalf("%s: HTTP %d status %q, want %q", op.path, code, got.Status, op.status)
		}
	}
	var list struct {
		Runtimes []RuntimeInfo `json:"runtimes"`
		Total    int           `json:"total"`
	}
	h.call("GET", "/list", nil, &list)
	if list.Total != 1 || list.Runtimes[0].SessionID != "s1" {
		t.Fatalf("recently stopped runtime missing from /list: %+v", list)
	}
	h.clock.Advance(2 * time.Minute)
	h.call("GET", "/list", nil, &list)
	if list.Total != 0 {
		t.Fatalf("runtime stopped for a while still in /list: %+v", list)
	}
	if code := h.call("GET", "/sessions/s1", nil, nil); code != 200 {
		t.Fatalf("stopped runtime forgotten too early: HTTP %d", code)
	}
	h.clock.Advance(time.Hour)
	if code := h.call("GET", "/sessions/s1", nil, nil); code != 404 {
		t.Fatalf("forgotten runtime: HTTP %d, want 404", code)
	}
	if code := h.call("POST", "/pause", map[string]string{"runtime_id": rt.RuntimeID}, nil); code != 404 {
		t.Fatalf("pause of a forgotten runtime: HTTP %d, want 404", code)
	}
}

func TestAuthBatchAndValidation(t *testing.T) {
	h := newHarness(t, Config{})
	h.start("a")
	h.start("b")
	resp, err := http.Get(h.srv.URL + "/list")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("no X-API-Key: HTTP %d", resp.StatusCode)
	}
	var batch []RuntimeInfo
	h.call("GET", "/sessions/batch?ids=a&ids=zzz&ids=b", nil, &batch)
	if len(batch) != 2 || batch[0].SessionID != "a" || batch[1].SessionID != "b" {
		t.Fatalf("batch answer: %+v", batch)
	}
	h.sim.SetBatchRoute(false)
	if code := h.call("GET", "/sessions/batch?ids=a", nil, nil); code != 404 {
		t.Fatalf("disabled batch route: HTTP %d", code)
	}
	if code := h.call("POST", "/start", map[string]any{"image": "i", "session_id": "c", "resource_factor": 3}, nil); code != 400 {
		t.Fatalf("resource_factor 3 accepted: HTTP %d", code)
	}
	var exists struct{ Exists bool }
	h.call("GET", "/image_exists?image=img", nil, &exists)
	if !exists.Exists {
		t.Fatal("started image not known")
	}
	if h.sim.Count(RouteStart) != 3 || h.sim.Count(RouteList) != 1 || h.sim.Count(RouteBatch) != 2 {
		t.Fatalf("counts: %v", h.sim.Counts())
	}
}

func TestRuntimeURLsPathAndSubdomain(t *testing.T) {
	for _, routing := range []Routing{PathRouting, SubdomainRouting} {
		h := newHarness(t, Config{Routing: routing, PublicURL: "http://sim.test:80"})
		rt := h.start("s")
		// Every host name resolves to the simulator, as a wildcard DNS would.
		addr := strings.TrimPrefix(h.srv.URL, "http://")
		client := &http.Client{Transport: &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, network, addr)
		}}}
		get := func(u string, hdr ...string) int {
			req, _ := http.NewRequest("GET", u, nil)
			if len(hdr) == 2 {
				req.Header.Set(hdr[0], hdr[1])
			}
			resp, err := client.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			return resp.StatusCode
		}
		if code := get(rt.URL + "/alive"); code != 200 {
			t.Fatalf("routing %d: %s/alive: HTTP %d", routing, rt.URL, code)
		}
		if code := get(rt.URL + "/api/conversations/search"); code != 401 {
			t.Fatalf("routing %d: /api without key: HTTP %d", routing, code)
		}
		if code := get(rt.URL+"/api/conversations/search", "X-Session-API-Key", rt.SessionAPIKey); code != 404 {
			t.Fatalf("routing %d: /api with key: HTTP %d", routing, code)
		}
		if len(rt.WorkHosts) != 2 {
			t.Fatalf("work_hosts: %v", rt.WorkHosts)
		}
		for u := range rt.WorkHosts {
			if code := get(u); code != 200 {
				t.Fatalf("routing %d: work host %s: HTTP %d", routing, u, code)
			}
		}
		if err := h.sim.SetURLStatus("s", 503); err != nil {
			t.Fatal(err)
		}
		if code := get(rt.URL + "/alive"); code != 503 {
			t.Fatalf("forced 503: HTTP %d", code)
		}
		_ = h.sim.SetURLStatus("s", 0)
		_ = h.sim.Pause("s")
		if code := get(rt.URL + "/alive"); code != 503 {
			t.Fatalf("paused runtime URL: HTTP %d, want 503", code)
		}
		if h.sim.Count(RouteRuntimeURL) == 0 || h.sim.APICalls() != 1 {
			t.Fatalf("runtime URL requests counted as API calls: %v", h.sim.Counts())
		}
	}
}

func TestFaultsAndRateLimit(t *testing.T) {
	h := newHarness(t, Config{})
	h.sim.RateLimit(1, 2*time.Second)
	req, _ := http.NewRequest("GET", h.srv.URL+"/list", nil)
	req.Header.Set("X-API-Key", key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") != "2" {
		t.Fatalf("rate limit: HTTP %d Retry-After %q", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	h.sim.SetFaults(Faults{MalformedRate: 1})
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	err = json.NewDecoder(resp.Body).Decode(&v)
	resp.Body.Close()
	if err == nil {
		t.Fatal("malformed answer decoded fine")
	}
	h.sim.SetFaults(Faults{ErrorRate: 0.5, ErrorStatus: 502})
	fails := 0
	for range 200 {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 502 {
			fails++
		}
	}
	if fails < 60 || fails > 140 {
		t.Fatalf("50%% error rate gave %d/200 failures", fails)
	}
	h.sim.SetFaults(Faults{HangRate: 1})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	_, err = http.DefaultClient.Do(req.WithContext(ctx))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("hang: %v", err)
	}
}

func TestSeedIsReproducibleAndMixed(t *testing.T) {
	a := newHarness(t, Config{ForgetStoppedAfter: time.Hour})
	b := newHarness(t, Config{ForgetStoppedAfter: time.Hour})
	mix := Mix{Paused: 0.1, Stopped: 0.2, CrashLoop: 0.05}
	ia, ib := a.sim.Seed(2000, mix), b.sim.Seed(2000, mix)
	if ia[1999] != ib[1999] {
		t.Fatal("same seed, different runtimes")
	}
	var list struct{ Total int }
	a.call("GET", "/list", nil, &list)
	if list.Total < 1400 || list.Total > 1800 {
		t.Fatalf("%d of 2000 listed with 20%% stopped", list.Total)
	}
	if a.sim.Len() != 2000 {
		t.Fatalf("Len = %d", a.sim.Len())
	}
}

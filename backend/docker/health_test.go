package docker

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

func TestParseHealth(t *testing.T) {
	cases := []struct {
		status int
		body   string
		ok     bool
		why    string
	}{
		{200, `"OK"`, true, ""},
		{200, "\"OK\"\n", true, ""},
		{200, `{"status":"ok"}`, true, ""},
		{200, `{"status": "ok", "extra": 1}`, true, ""},
		{200, `{"status":"initializing"}`, false, `status "initializing"`},
		{200, `"starting"`, false, `unexpected answer "starting"`},
		{200, `OK`, true, ""},
		{200, "ok\r\n", true, ""},
		{200, `OKAY`, false, `answer is not "OK" or {"status":"ok"}`},
		{200, `<html>hello</html>`, false, `answer is not "OK" or {"status":"ok"}`},
		{200, `{"healthy":true}`, false, `answer is not "OK" or {"status":"ok"}`},
		{200, ``, false, "empty answer"},
		{503, `{"status":"ok"}`, false, "HTTP 503"},
		{404, `Not Found`, false, "HTTP 404"},
	}
	for _, c := range cases {
		ok, why := parseHealth(c.status, []byte(c.body))
		if ok != c.ok || why != c.why {
			t.Errorf("parseHealth(%d, %q) = %v %q, want %v %q", c.status, c.body, ok, why, c.ok, c.why)
		}
	}
}

func TestProberAgainstServers(t *testing.T) {
	mux := http.NewServeMux()
	mux.HandleFunc("/new/health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`{"status":"ok"}`)) })
	mux.HandleFunc("/old/health", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte(`"OK"`)) })
	mux.HandleFunc("/down/health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusServiceUnavailable) })
	mux.HandleFunc("/slow/health", func(w http.ResponseWriter, r *http.Request) { <-r.Context().Done() })
	srv := httptest.NewServer(mux)
	defer srv.Close()

	// A port nothing listens on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "http://" + l.Addr().String()
	_ = l.Close()

	p := newProber(200 * time.Millisecond)
	cases := []struct {
		url    string
		state  backend.HealthState
		detail string
	}{
		{srv.URL + "/new", backend.HealthOK, ""},
		{srv.URL + "/old/", backend.HealthOK, ""},
		{srv.URL + "/down", backend.HealthFailing, "HTTP 503"},
		{srv.URL + "/slow", backend.HealthFailing, "no answer within 200ms"},
		{closed, backend.HealthFailing, "connection refused"},
	}
	for _, c := range cases {
		h := p.probe(context.Background(), c.url)
		if h.State != c.state || !strings.HasPrefix(h.Detail, c.detail) || h.Checked.IsZero() {
			t.Errorf("probe %s = %+v, want %v %q", c.url, h, c.state, c.detail)
		}
	}
}

package agentserver_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/faults"
)

func TestFaultLatencyAndErrors(t *testing.T) {
	e := start(t, agentserver.Options{})
	if err := e.srv.SetFaults(faults.Config{Latency: faults.Duration(150 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	e.expect(http.MethodGet, "/api/conversations/count", nil, http.StatusOK)
	if took := time.Since(began); took < 150*time.Millisecond {
		t.Errorf("answered after %v, before the injected latency", took)
	}
	// Control routes are never delayed or failed.
	e.expect(http.MethodGet, "/_sim/state", nil, http.StatusOK)

	if err := e.srv.SetFaults(faults.Config{ErrorRate: 1}); err != nil {
		t.Fatal(err)
	}
	status, body := e.do(http.MethodGet, "/health", nil)
	var detail map[string]any
	mustJSON(t, body, &detail)
	if status != http.StatusInternalServerError || detail["detail"] != "Internal Server Error" || detail["error_id"] == "" {
		t.Errorf("error rate 1: %d %s", status, body)
	}
	if err := e.srv.SetFaults(faults.Config{ErrorRate: 2}); err == nil {
		t.Errorf("error rate 2 accepted")
	}
}

func TestFaultHang(t *testing.T) {
	e := start(t, agentserver.Options{})
	if err := e.srv.SetFaults(faults.Config{Hang: true}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, e.ts.URL+"/health", nil)
	resp, err := http.DefaultClient.Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("a hung server answered %d", resp.StatusCode)
	}
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("hang: %v, want the client's deadline", err)
	}
}

func TestFaultSocketDrops(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{})
	if err := e.srv.SetFaults(faults.Config{WSDropAfter: faults.Duration(100 * time.Millisecond)}); err != nil {
		t.Fatal(err)
	}
	conn := e.dialKey(id, nil)
	var err error
	for err == nil { // the snapshot may or may not come first
		_, err = tryRead(conn, 5*time.Second)
	}
	if closeCode(err) != websocket.CloseAbnormalClosure {
		t.Errorf("drop after: %v, want a cut without a close frame (1006)", err)
	}
	if err := e.srv.SetFaults(faults.Config{WSDropRate: 1}); err != nil {
		t.Fatal(err)
	}
	conn = e.dialKey(id, nil)
	if _, err := tryRead(conn, 5*time.Second); closeCode(err) != websocket.CloseAbnormalClosure {
		t.Errorf("drop rate 1: %v, want a cut before the first frame (1006)", err)
	}
	// DropSockets cuts on demand (a test's "network outage").
	if err := e.srv.SetFaults(faults.Config{}); err != nil {
		t.Fatal(err)
	}
	conn = e.dialKey(id, nil)
	read(t, conn, 5*time.Second)
	if err := e.srv.DropSockets(id); err != nil {
		t.Fatal(err)
	}
	if _, err := tryRead(conn, 5*time.Second); closeCode(err) != websocket.CloseAbnormalClosure {
		t.Errorf("DropSockets: %v, want a cut (1006)", err)
	}
}

func TestFaultMalformedFrames(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{Turns: 1})
	if err := e.srv.SetFaults(faults.Config{MalformedEvery: 2}); err != nil {
		t.Fatal(err)
	}
	conn := e.dialKey(id, url.Values{"resend_mode": {"all"}})
	// 1 snapshot + 8 events, every second frame preceded by garbage.
	var good, bad int
	for good < 9 {
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, data, err := conn.ReadMessage()
		if err != nil {
			t.Fatalf("after %d good frames: %v", good, err)
		}
		if json.Valid(data) {
			good++
		} else {
			bad++
		}
	}
	if bad != 4 {
		t.Errorf("%d malformed frames among 9 good ones, want 4", bad)
	}
	quiet(t, conn)
}

func TestHostileAndOversizedContent(t *testing.T) {
	e := start(t, agentserver.Options{Content: agentserver.Content{Hostile: true, OversizedBytes: 5 << 20}})
	id := e.seed(agentserver.SeedSpec{})
	conn := e.dialKey(id, nil)
	conn.SetReadLimit(64 << 20)
	read(t, conn, 5*time.Second)
	if err := e.srv.SendMessage(id, "print everything", true); err != nil {
		t.Fatal(err)
	}
	var obs []byte
	for obs == nil {
		_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
		_, data, err := conn.ReadMessage()
		if err != nil {
			t.Fatal(err)
		}
		if bytes.HasSuffix(data, []byte(`"kind":"ObservationEvent"}`)) {
			obs = data
		}
	}
	if len(obs) < 5<<20 {
		t.Errorf("observation frame %d bytes, want at least 5 MiB", len(obs))
	}
	for _, want := range [][]byte{[]byte(`\u001b[2J`), []byte{0xff, 0xfe}, []byte(`\ud83d`)} {
		if !bytes.Contains(obs, want) {
			t.Errorf("observation lacks %q", want)
		}
	}
	e.waitStatus(id, agentserver.StatusFinished)
	// The same bytes are served over REST.
	status, body := e.do(http.MethodGet, "/api/conversations/"+id+"/events/search?limit=100", nil)
	if status != http.StatusOK || !bytes.Contains(body, []byte{0xff, 0xfe}) || len(body) < 5<<20 {
		t.Errorf("REST: %d, %d bytes", status, len(body))
	}
	if !strings.Contains(string(body), "\\u001b]52;") {
		t.Errorf("REST lacks the OSC 52 sequence")
	}
}

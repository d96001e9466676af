package agentserver_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
)

func TestControlRoutes(t *testing.T) {
	e := start(t, agentserver.Options{})
	// Key-protected like the API.
	if status, _ := e.doKey(http.MethodGet, "/_sim/state", nil, ""); status != http.StatusUnauthorized {
		t.Errorf("/_sim/state without a key: %d", status)
	}
	var seeded struct {
		ID   string         `json:"id"`
		Info map[string]any `json:"info"`
	}
	mustJSON(t, e.expect(http.MethodPost, "/_sim/conversations",
		map[string]any{"turns": 2, "title": "Seeded", "status": "paused", "tags": map[string]string{"k": "v"}}, http.StatusCreated), &seeded)
	if seeded.Info["title"] != "Seeded" || seeded.Info["execution_status"] != "paused" {
		t.Fatalf("seed: %v", seeded.Info)
	}
	e.expect(http.MethodPost, "/_sim/conversations", map[string]any{"id": seeded.ID}, http.StatusConflict)
	e.expect(http.MethodPost, "/_sim/conversations", map[string]any{"status": "dreaming"}, http.StatusBadRequest)

	var gen struct{ Appended, Total int }
	mustJSON(t, e.expect(http.MethodPost, "/_sim/conversations/"+seeded.ID+"/generate", map[string]int{"count": 250}, http.StatusOK), &gen)
	var events struct {
		Items []event `json:"items"`
		Count int     `json:"count"`
	}
	e.getJSON("/_sim/conversations/"+seeded.ID+"/events", http.StatusOK, &events)
	if events.Count != gen.Total || len(events.Items) != gen.Total || gen.Appended != 250 {
		t.Fatalf("generate %+v, events %d", gen, events.Count)
	}
	if rest := e.allEvents(seeded.ID, ""); len(rest) != events.Count || rest[len(rest)-1].id() != events.Items[events.Count-1].id() {
		t.Errorf("REST and the control list differ")
	}
	e.expect(http.MethodPost, "/_sim/conversations/"+newID()+"/generate", map[string]int{"count": 1}, http.StatusNotFound)

	// Knobs round-trip and take effect.
	e.expect(http.MethodPut, "/_sim/pace", map[string]string{"pace": "30ms"}, http.StatusOK)
	if e.srv.Pace() != 30*time.Millisecond {
		t.Errorf("pace %v", e.srv.Pace())
	}
	e.expect(http.MethodPut, "/_sim/faults", map[string]any{"latency": "5ms", "malformed_every": 3}, http.StatusOK)
	if f := e.srv.Faults(); f.MalformedEvery != 3 || time.Duration(f.Latency) != 5*time.Millisecond {
		t.Errorf("faults %+v", f)
	}
	e.expect(http.MethodPut, "/_sim/faults", map[string]any{"error_rate": -1}, http.StatusBadRequest)
	e.expect(http.MethodPut, "/_sim/faults", map[string]any{}, http.StatusOK)
	e.expect(http.MethodPut, "/_sim/content", map[string]any{"hostile": true}, http.StatusOK)
	if !e.srv.Content().Hostile {
		t.Errorf("content not set")
	}

	// wait blocks until the status is reached.
	e.expect(http.MethodPost, "/api/conversations/"+seeded.ID+"/run", nil, http.StatusOK)
	e.expect(http.MethodGet, "/_sim/conversations/"+seeded.ID+"/wait?status=finished&timeout=10s", nil, http.StatusNoContent)
	e.expect(http.MethodGet, "/_sim/conversations/"+seeded.ID+"/wait?status=stuck&timeout=50ms", nil, http.StatusRequestTimeout)

	conn := e.dialKey(seeded.ID, nil)
	read(t, conn, 5*time.Second)
	e.expect(http.MethodPost, "/_sim/drop_sockets", nil, http.StatusOK)
	if _, err := tryRead(conn, 5*time.Second); err == nil {
		t.Errorf("drop_sockets left the socket open")
	}
	e.expect(http.MethodPost, "/_sim/conversations/"+seeded.ID+"/inactive", map[string]bool{"inactive": true}, http.StatusOK)
	conn = e.dialKey(seeded.ID, nil)
	if first := read(t, conn, 5*time.Second); first.str("key") != "execution_status" {
		t.Errorf("inactive snapshot %v", first)
	}

	var state struct {
		Version       string
		Conversations []map[string]any
	}
	e.getJSON("/_sim/state", http.StatusOK, &state)
	if state.Version != "1.44.0" || len(state.Conversations) != 1 {
		t.Errorf("state %+v", state)
	}
}

func TestSeedWaitingForConfirmation(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{Status: agentserver.StatusWaitingForConfirmation})
	e.expect(http.MethodPost, "/api/conversations/"+id+"/events/respond_to_confirmation", map[string]any{"accept": true}, http.StatusOK)
	e.waitStatus(id, agentserver.StatusFinished)
	k := kinds(e.allEvents(id, ""))
	if count(k, "ObservationEvent") != 1 {
		t.Errorf("accepted seeded action: %v", k)
	}
}

func TestOptionsValidation(t *testing.T) {
	for _, o := range []agentserver.Options{
		{Version: "one"},
		{Confirmation: "Sometimes"},
		{Pace: -time.Second},
	} {
		if _, err := agentserver.New(o); err == nil {
			t.Errorf("New(%+v) accepted", o)
		}
	}
	v, err := agentserver.ParseVersion("v1.18")
	if err != nil || v != (agentserver.Version{Major: 1, Minor: 18}) || !v.AtLeast(agentserver.Version{Major: 1, Minor: 17, Patch: 9}) {
		t.Errorf("ParseVersion v1.18: %v %v", v, err)
	}
}

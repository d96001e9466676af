package main

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// convs and events against an agent-server in a real container.
func TestDockerConversationsAndEvents(t *testing.T) {
	h, e := dockerHarness(t)
	const convID = "5a1e0c3d-7b2f-4c11-9a0e-3f6c2d8b9e10"
	_, name := e.Run(t, dockertest.RunOptions{Ports: []int{8000}, Env: map[string]string{
		"OH_SESSION_API_KEYS_0": dockerSessionKey, "AGENTSIM_SEED_CONVERSATIONS": "2", "AGENTSIM_SEED_ID": convID,
		"AGENTSIM_SEED_STATUS": "finished", "AGENTSIM_SEED_EVENTS": "150",
	}})
	row := waitHealthy(t, h, name)
	convs := conversationsJSON(t, h, name)
	if len(convs) != 2 || convs[0].SandboxID != name {
		t.Fatalf("convs: %+v", convs)
	}
	// The server's own event list, from its control route.
	req, _ := http.NewRequest(http.MethodGet, row.ExposedURLs[0].URL+"/_sim/conversations/"+convID+"/events", nil)
	req.Header.Set("X-Session-API-Key", dockerSessionKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var truth struct {
		Items []json.RawMessage `json:"items"`
	}
	err = json.NewDecoder(resp.Body).Decode(&truth)
	resp.Body.Close()
	if err != nil || len(truth.Items) < 150 {
		t.Fatalf("server events: %d, %v", len(truth.Items), err)
	}
	out := h.must(exitOK, "events", "--json", convID).stdout
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(truth.Items) {
		t.Fatalf("%d events printed, the server has %d", len(lines), len(truth.Items))
	}
	for i := range lines {
		var a, b any
		_ = json.Unmarshal([]byte(lines[i]), &a)
		_ = json.Unmarshal(truth.Items[i], &b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("event %d differs:\ngot  %s\nwant %s", i, lines[i], truth.Items[i])
		}
	}
	h.must(exitOK, "send", convID, "run the tests again")
	h.must(exitOK, "conv", "pause", convID)
}

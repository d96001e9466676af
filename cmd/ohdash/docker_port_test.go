package main

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// simEventIDs reads the agent-server's own event list from its control
// route, and optionally asks it for n more events first.
func simEventIDs(t *testing.T, base, convID string, generate int) []string {
	t.Helper()
	do := func(method, path string) *http.Response {
		req, _ := http.NewRequest(method, base+path, strings.NewReader(`{"count":`+itoa(generate)+`}`))
		req.Header.Set("X-Session-API-Key", dockerSessionKey)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	if generate > 0 {
		resp := do(http.MethodPost, "/_sim/conversations/"+convID+"/generate")
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("generate: HTTP %d", resp.StatusCode)
		}
	}
	resp := do(http.MethodGet, "/_sim/conversations/"+convID+"/events")
	defer resp.Body.Close()
	var truth struct {
		Items []struct {
			ID string `json:"id"`
		} `json:"items"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&truth); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, len(truth.Items))
	for i, it := range truth.Items {
		ids[i] = it.ID
	}
	return ids
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func ndjsonIDs(t *testing.T, out string) []string {
	t.Helper()
	var ids []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var ev struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not NDJSON: %q", line)
		}
		ids = append(ids, ev.ID)
	}
	return ids
}

// TestFaultDockerPortChangeAfterRestart: `docker restart` publishes the
// agent-server on a new host port. `events -f` started before the restart
// recovers on its own and prints what the restarted server holds, each
// event once and in order, and a one-shot call made with the sandbox as it
// was before the restart reaches the server at its new port.
func TestFaultDockerPortChangeAfterRestart(t *testing.T) {
	h, e := dockerHarness(t)
	const convID = "7b2e0c3d-7b2f-4c11-9a0e-3f6c2d8b9e10"
	_, name := e.Run(t, dockertest.RunOptions{Ports: []int{8000}, Env: map[string]string{
		"OH_SESSION_API_KEYS_0": dockerSessionKey, "AGENTSIM_SEED_CONVERSATIONS": "1", "AGENTSIM_SEED_ID": convID,
		"AGENTSIM_SEED_STATUS": "finished", "AGENTSIM_SEED_EVENTS": "40",
	}})
	oldURL := waitHealthy(t, h, name).ExposedURLs[0].URL
	before := simEventIDs(t, oldURL, convID, 0)

	// The sandbox as a caller holds it before the restart.
	a := h.testApp("events", convID)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	bs, err := a.Selected(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var stale backend.Sandbox
	for _, b := range bs {
		all, _ := b.List(ctx)
		for _, sb := range all {
			if sb.ID == name {
				stale = sb
			}
		}
	}
	convs := a.Conversations()

	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"events", "-f", "--json", convID}, stdio{
			in: strings.NewReader(""), out: &out, err: &errb,
			getenv: func(k string) string { return h.env[k] }, home: h.home,
		})
	}()
	waitFor(t, 15*time.Second, "the history", func() bool { return len(ndjsonIDs(t, out.String())) >= len(before) })

	rctx, rcancel := context.WithTimeout(context.Background(), time.Minute)
	defer rcancel()
	if _, err := e.Client.ContainerRestart(rctx, name, client.ContainerRestartOptions{}); err != nil {
		t.Fatal(err)
	}
	newURL := waitHealthy(t, h, name).ExposedURLs[0].URL
	// Docker publishes a new host port on a restart; Podman keeps it, and
	// there the test checks the recovery across the restart alone.
	if newURL == oldURL && !dockertest.IsPodman() {
		t.Fatalf("the restart kept port %s; the test needs a new one", oldURL)
	}
	// The restarted emulator starts a fresh log (a real server reloads
	// its own from disk); then it gets new events.
	after := simEventIDs(t, newURL, convID, 25)
	want := append(slices.Clone(before), after...)
	waitFor(t, 45*time.Second, "the events after the restart", func() bool { return len(ndjsonIDs(t, out.String())) >= len(want) })
	time.Sleep(300 * time.Millisecond) // let a repeat show up before comparing
	if got := ndjsonIDs(t, out.String()); !slices.Equal(got, want) {
		t.Fatalf("events -f printed %d events, want %d (gap or repeat across the restart)\nstderr: %s", len(got), len(want), errb.String())
	}
	ev, err := convs.Event(ctx, stale, convID, after[len(after)-1])
	if err != nil || ev.ID != after[len(after)-1] {
		t.Fatalf("one-shot call with the sandbox from before the restart: %v", err)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("events -f exited %d: %s", code, errb.String())
	}
}

package perf

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/convroute"
	"github.com/ohdash/ohdash/backend/docker"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

const simKey = "perf-session-key-0123456789abcdef"

// streamLive is how the events pane's header starts once its stream is
// live; the status bar's "docker ● live 3ms" does not match it.
const streamLive = "● live │"

// Counts in the events pane's header.
var (
	heldEvents    = regexp.MustCompile(`│ (\d+) events`)
	evictedEvents = regexp.MustCompile(`(\d+) older not in memory`)
)

// number is the first count re matches in frame, 0 if none.
func number(frame string, re *regexp.Regexp) int {
	m := re.FindStringSubmatch(frame)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// agentsim starts an agent-server emulator container through the Docker
// backend, as the dashboard's own "create sandbox" would, and returns its
// name and agent URL once it is healthy.
func agentsim(t testing.TB, env *dockertest.Env, extra map[string]string) (name, url string) {
	t.Helper()
	d, err := docker.New(docker.Options{
		Prefixes: []docker.Prefix{{Prefix: env.V1Prefix, Flavor: backend.FlavorAgentServer}},
		Labels:   env.Labels(),
		Spec:     docker.Spec{Image: env.Image},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	vars := map[string]string{"OH_SESSION_API_KEYS_0": simKey}
	for k, v := range extra {
		vars[k] = v
	}
	sb, err := d.Start(t.Context(), backend.StartRequest{Env: vars})
	if err != nil {
		t.Fatal(err)
	}
	url = sb.AgentURL()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get(url + "/health")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return sb.ID, url
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("agentsim %s never became healthy: %v", sb.ID, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// simControl posts to the emulator's control routes.
func simControl(t testing.TB, url, path, body string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+path, strings.NewReader(body))
	req.Header.Set("X-Session-API-Key", simKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	msg, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST %s: %s %s", path, resp.Status, bytes.TrimSpace(msg))
	}
}

// typeKeys writes keys to the program's input as a terminal would: one
// write per key, with a pause, so each arrives as its own key press.
func typeKeys(t testing.TB, w io.Writer, keys ...string) {
	t.Helper()
	for _, k := range keys {
		if _, err := io.WriteString(w, k); err != nil {
			t.Fatal(err)
		}
		time.Sleep(60 * time.Millisecond)
	}
}

// TestConversationFlowInDocker is the flow a person follows, in a real
// program against agent-server emulators in real containers: pick the
// sandbox, open its conversation, send a message, watch the agent work,
// pause it, run it again, and see its reply arrive.
func TestConversationFlowInDocker(t *testing.T) {
	if testing.Short() {
		t.Skip("starts containers and a full dashboard; not in -short mode")
	}
	env := dockertest.New(t)
	const convID = "0c9a4f3e-2b1d-4e8f-9a7c-6b5d4e3f2a10"
	name, _ := agentsim(t, env, map[string]string{
		"AGENTSIM_SEED_CONVERSATIONS": "1", "AGENTSIM_SEED_ID": convID, "AGENTSIM_SEED_STATUS": "finished",
		"AGENTSIM_SEED_TURNS": "2", "AGENTSIM_PACE": "1500ms",
	})
	router := convroute.New(convroute.Options{})
	_, p, keys, stop := dashboardWith(t, env, 120, 40, nil, router)
	defer stop()

	p.await(t, "the sandbox listed and running", 30*time.Second, func(f string) bool {
		return strings.Contains(f, name[:20]) && strings.Contains(f, "RUNNING")
	})
	typeKeys(t, keys, "3", "\t")
	p.await(t, "the conversation listed as finished", 20*time.Second, func(f string) bool {
		return strings.Contains(f, "finished") && strings.Contains(f, "Task 1")
	})
	typeKeys(t, keys, "\r")
	p.await(t, "the history's events", 20*time.Second, func(f string) bool {
		return strings.Contains(f, streamLive) && strings.Contains(f, "Done with")
	})

	typeKeys(t, keys, "m")
	p.await(t, "the composer", 5*time.Second, func(f string) bool { return strings.Contains(f, "message to") })
	typeKeys(t, keys, "please add a regression test", "\r")
	p.await(t, "the message in the events and the agent running", 20*time.Second, func(f string) bool {
		return strings.Contains(f, "user> please add a regression test") && strings.Contains(f, "▶ running")
	})

	typeKeys(t, keys, "P")
	p.await(t, "the pause confirmation", 5*time.Second, func(f string) bool { return strings.Contains(f, "pause conversation") })
	typeKeys(t, keys, "y")
	p.await(t, "the conversation paused", 20*time.Second, func(f string) bool {
		return strings.Contains(f, "‖ paused") && !strings.Contains(f, "pausing")
	})

	// The paused agent finishes its step in flight (one pace) before the
	// server lets it run again, as the real agent-server does: until then
	// R is answered "still running", and the test presses it again after
	// each such answer instead of guessing how long the step takes.
	runAgain(t, p, keys, 30*time.Second)
	p.await(t, "the agent's reply to the message", 30*time.Second, func(f string) bool {
		return strings.Contains(f, "Done with “please add a regression test”")
	})
}

// runAgain presses R and confirms until the agent-server accepts the run.
// Each attempt ends on a frame where the confirmation is closed and no
// action is in flight (the action is added in the same Update that closes
// the dialog), so a previous attempt's warning is never taken for this
// attempt's answer.
func runAgain(t *testing.T, p *probe, keys io.Writer, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for attempt := 1; ; attempt++ {
		typeKeys(t, keys, "R")
		p.await(t, "the run confirmation", 5*time.Second, func(f string) bool { return strings.Contains(f, "run conversation") })
		typeKeys(t, keys, "y")
		f := p.await(t, "the answer to run", 20*time.Second, func(f string) bool {
			settled := !strings.Contains(f, "run conversation") && !strings.Contains(f, "starting the agent of")
			return settled && (strings.Contains(f, "started the agent of") || strings.Contains(f, "still running"))
		})
		if strings.Contains(f, "started the agent of") {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the agent-server still refused to run after %d attempts; last frame:\n%s", attempt, f)
		}
	}
}

// BenchmarkEventDeliveryToUI measures how long an event written by the
// emulator takes to reach the dashboard's model: the emulator runs in a
// container (its own process), the event crosses the loopback websocket,
// the client, the events pane, and is found in the next rendered view.
func BenchmarkEventDeliveryToUI(b *testing.B) {
	env := dockertest.New(b)
	const convID = "7e6d5c4b-3a29-4817-9605-f4e3d2c1b0a9"
	_, url := agentsim(b, env, map[string]string{
		"AGENTSIM_SEED_CONVERSATIONS": "1", "AGENTSIM_SEED_ID": convID, "AGENTSIM_SEED_STATUS": "idle",
		"AGENTSIM_SEED_TURNS": "1",
	})
	router := convroute.New(convroute.Options{})
	_, p, keys, stop := dashboardWith(b, env, 120, 40, nil, router)
	defer stop()
	p.await(b, "the sandbox listed", 30*time.Second, func(f string) bool { return strings.Contains(f, "RUNNING") })
	typeKeys(b, keys, "3", "\t")
	p.await(b, "the conversation", 20*time.Second, func(f string) bool { return strings.Contains(f, "Task 1") })
	typeKeys(b, keys, "\r")
	p.await(b, "the stream live", 20*time.Second, func(f string) bool { return strings.Contains(f, streamLive) })

	var lat []time.Duration
	for i := 0; b.Loop(); i++ {
		marker := fmt.Sprintf("delivery-marker-%06d", i)
		seen := p.watchModel(marker)
		t0 := time.Now()
		simControl(b, url, "/api/conversations/"+convID+"/events",
			`{"role":"user","content":[{"type":"text","text":"`+marker+`"}],"run":false}`)
		select {
		case at := <-seen:
			lat = append(lat, at.Sub(t0))
		case <-time.After(10 * time.Second):
			b.Fatalf("event %s never reached the model; last frame:\n%s", marker, p.lastFrame())
		}
	}
	reportLatency(b, lat)
}

// BenchmarkBacklogFirstScreen10k opens a conversation holding 10,000
// stored events and measures the time from the key press to the first
// frame that shows its newest events.
func BenchmarkBacklogFirstScreen10k(b *testing.B) {
	env := dockertest.New(b)
	const convID = "1a2b3c4d-5e6f-4a1b-8c2d-3e4f5a6b7c8d"
	_, url := agentsim(b, env, map[string]string{
		"AGENTSIM_SEED_CONVERSATIONS": "1", "AGENTSIM_SEED_ID": convID, "AGENTSIM_SEED_STATUS": "finished",
		"AGENTSIM_SEED_EVENTS": "10000",
	})
	_ = url
	for b.Loop() {
		router := convroute.New(convroute.Options{})
		_, p, keys, stop := dashboardWith(b, env, 120, 40, nil, router)
		p.await(b, "the sandbox listed", 30*time.Second, func(f string) bool { return strings.Contains(f, "RUNNING") })
		typeKeys(b, keys, "3", "\t")
		p.await(b, "the conversation", 20*time.Second, func(f string) bool { return strings.Contains(f, "Task 1") })
		t0 := time.Now()
		typeKeys(b, keys, "\r")
		// The stream starts with the newest 500 (the pane's tail); the rest
		// is paged in on demand.
		p.await(b, "the newest events", 20*time.Second, func(f string) bool {
			return strings.Contains(f, streamLive) && number(f, heldEvents) >= 500
		})
		b.ReportMetric(float64(time.Since(t0).Milliseconds()), "ms/first-screen")
		stop()
	}
}

// BenchmarkConversationMemory100k follows a conversation while the
// emulator (in its own container) appends 100,000 events, and reports the
// dashboard process's peak RSS against its RSS before the stream.
func BenchmarkConversationMemory100k(b *testing.B) {
	env := dockertest.New(b)
	const convID = "9d8c7b6a-5f4e-4d3c-8b2a-190f8e7d6c5b"
	_, url := agentsim(b, env, map[string]string{
		"AGENTSIM_SEED_CONVERSATIONS": "1", "AGENTSIM_SEED_ID": convID, "AGENTSIM_SEED_STATUS": "finished",
	})
	for b.Loop() {
		router := convroute.New(convroute.Options{})
		_, p, keys, stop := dashboardWith(b, env, 250, 40, nil, router) // wide: the header shows every count
		p.await(b, "the sandbox listed", 30*time.Second, func(f string) bool { return strings.Contains(f, "RUNNING") })
		typeKeys(b, keys, "3", "\t")
		p.await(b, "the conversation", 20*time.Second, func(f string) bool { return strings.Contains(f, "Task 1") })
		typeKeys(b, keys, "\r")
		// Generating before the stream is live would put the first
		// batches in the history the tail skips, not through the pane.
		f := p.await(b, "the stream live", 20*time.Second, func(f string) bool {
			return strings.Contains(f, streamLive) && number(f, heldEvents) > 0
		})
		want := number(f, heldEvents) + 100_000
		before := statusKB("VmRSS")
		for i := 0; i < 10; i++ {
			simControl(b, url, "/_sim/conversations/"+convID+"/generate", `{"count":10000}`)
		}
		p.await(b, "100,000 events delivered", 2*time.Minute, func(f string) bool {
			return number(f, heldEvents)+number(f, evictedEvents) >= want
		})
		b.ReportMetric(float64(statusKB("VmHWM"))/1024, "MiB-peak-RSS")
		b.ReportMetric(float64(before)/1024, "MiB-RSS-before")
		b.Logf("last frame:\n%s", p.lastFrame())
		stop()
	}
}

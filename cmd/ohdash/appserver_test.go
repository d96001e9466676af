package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/appserver"
)

const appServerKey = "cloud-api-key-for-tests-0a1b2c3d4e"

// startAppServer serves a seeded app-server simulator and configures the
// harness with it as [[openhands]] "cloud", its key in a variable.
func startAppServer(t *testing.T, h *harness, seed appserver.SeedOptions) *appserver.Server {
	t.Helper()
	return startAppServerWith(t, h, appserver.Config{}, seed)
}

// startAppServerWith is startAppServer with a configuration of its own
// (start-task pace); the key is always appServerKey.
func startAppServerWith(t *testing.T, h *harness, cfg appserver.Config, seed appserver.SeedOptions) *appserver.Server {
	t.Helper()
	ctx := t.Context()
	cfg.APIKey = appServerKey
	s, err := appserver.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	if _, err := s.Seed(seed); err != nil {
		t.Fatal(err)
	}
	h.env["CLOUD_KEY"] = appServerKey
	h.writeConfig(`docker = []
[[openhands]]
name = "cloud"
url = "` + s.URL + `"
api_key_env = "CLOUD_KEY"
`)
	return s
}

// ls and convs list an app-server's sandboxes and conversations with the
// usual field names, backend naming the source, and no key in sight.
func TestAppServerLsAndConvsJSON(t *testing.T) {
	h := newHarness(t)
	startAppServer(t, h, appserver.SeedOptions{Sandboxes: 4, Paused: 1, Conversations: 12, SubConversations: 2})
	r := h.must(exitOK, "ls", "--json")
	var rows []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil || len(rows) != 4 {
		t.Fatalf("ls: %v %d rows\n%s", err, len(rows), r.stdout)
	}
	for _, row := range rows {
		if row["backend"] != "cloud" || row["status"] == "" {
			t.Fatalf("row %v", row)
		}
	}
	r = h.must(exitOK, "convs", "--json")
	var convs []map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &convs); err != nil {
		t.Fatalf("convs: %v\n%s", err, r.stdout)
	}
	// The paused sandbox's conversations are not listed (as for every
	// backend: only running sandboxes are asked); 12 spread over 4.
	if len(convs) != 9 {
		t.Fatalf("%d conversations, want 9:\n%s", len(convs), r.stdout)
	}
	subs := 0
	for _, c := range convs {
		if c["backend"] != "cloud" || c["title"] == "" || c["model"] == "" {
			t.Fatalf("conversation %v", c)
		}
		if c["parent_conversation_id"] != nil {
			subs++
		}
	}
	if subs == 0 {
		t.Fatal("no sub-conversation shown as such")
	}
	for _, out := range []string{r.stdout, r.stderr} {
		if strings.Contains(out, appServerKey) {
			t.Fatal("API key in output")
		}
	}
	// Events come from the agent-server behind the conversation.
	id := convs[0]["id"].(string)
	if r := h.must(exitOK, "events", id, "--json"); !strings.Contains(r.stdout, `"kind"`) {
		t.Fatalf("events: %s", r.stdout)
	}
}

// A refused key says "unauthorized" and exits 1, key unseen.
func TestAppServerUnauthorizedExitsOne(t *testing.T) {
	h := newHarness(t)
	startAppServer(t, h, appserver.SeedOptions{Sandboxes: 1})
	h.env["CLOUD_KEY"] = "not-the-right-key-1234567890"
	r := h.must(exitFailed, "ls")
	if !strings.Contains(r.stderr, "unauthorized") || strings.Contains(r.stderr+r.stdout, "not-the-right-key-1234567890") {
		t.Fatalf("stderr: %s", r.stderr)
	}
}

// The environment names OpenHands' tools use add an implicit backend.
func TestAppServerFromEnvironment(t *testing.T) {
	h := newHarness(t)
	s := startAppServer(t, h, appserver.SeedOptions{Sandboxes: 2})
	h.writeConfig("docker = []\n")
	h.env["OPENHANDS_CLOUD_URL"] = s.URL
	h.env["OPENHANDS_API_KEY"] = appServerKey
	r := h.must(exitOK, "ls", "--json")
	if strings.Count(r.stdout, `"backend": "openhands"`)+strings.Count(r.stdout, `"backend":"openhands"`) != 2 {
		t.Fatalf("ls: %s", r.stdout)
	}
}

// Read-only mode refuses app-server sandbox actions before they reach the
// app-server, and the audit log records the refusal; a real pause is
// audited too.
func TestFaultAppServerReadOnlyRefusalAudited(t *testing.T) {
	h := newHarness(t)
	s := startAppServer(t, h, appserver.SeedOptions{Sandboxes: 2})
	id := s.SandboxIDs()[0]
	before := s.Count(appserver.RouteSandboxAction)
	h.must(exitFailed, "pause", id, "--readonly")
	if s.Count(appserver.RouteSandboxAction) != before {
		t.Fatal("a read-only pause reached the app-server")
	}
	h.must(exitOK, "pause", id)
	var got []string
	for _, e := range readAudit(t, h.auditPath()) {
		got = append(got, e.Action+":"+e.Result+":"+e.Backend)
	}
	if len(got) != 2 || got[0] != "sandbox.pause:refused:cloud" || got[1] != "sandbox.pause:ok:cloud" {
		t.Fatalf("audit: %v", got)
	}
	if st := statusOf(t, h, id); st != backend.StatusPaused {
		t.Fatalf("status after pause: %s", st)
	}
}

func statusOf(t *testing.T, h *harness, id string) backend.Status {
	t.Helper()
	var rows []sandboxJSON
	if err := json.Unmarshal([]byte(h.must(exitOK, "ls", "--json").stdout), &rows); err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if r.ID == id {
			return r.Status
		}
	}
	return ""
}

package agentserver_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

func TestServerRoutesByVersion(t *testing.T) {
	cases := []struct {
		version   string
		health    string
		ready     int
		infoKeys  []string
		noInfoKey string
	}{
		{"1.1.0", `"OK"`, http.StatusNotFound, []string{"uptime", "idle_time", "title", "version", "docs", "redoc"}, "sdk_version"},
		{"1.20.0", `"OK"`, http.StatusOK, []string{"sdk_version", "usable_tools"}, "capabilities"},
		{"1.44.0", `{"status":"ok"}`, http.StatusOK, []string{"sdk_version", "usable_tools", "capabilities", "runtime_idle_timeout_seconds"}, ""},
	}
	for _, c := range cases {
		t.Run(c.version, func(t *testing.T) {
			e := start(t, agentserver.Options{Version: c.version})
			// Server detail routes need no key.
			if status, body := e.doKey(http.MethodGet, "/health", nil, ""); status != http.StatusOK || string(body) != c.health {
				t.Errorf("/health: %d %s, want %s", status, body, c.health)
			}
			if status, _ := e.doKey(http.MethodGet, "/ready", nil, ""); status != c.ready {
				t.Errorf("/ready: %d, want %d", status, c.ready)
			}
			if status, body := e.doKey(http.MethodGet, "/alive", nil, ""); status != http.StatusOK || string(body) != `{"status":"ok"}` {
				t.Errorf("/alive: %d %s", status, body)
			}
			for _, path := range []string{"/server_info", "/"} {
				status, body := e.doKey(http.MethodGet, path, nil, "")
				var info map[string]any
				mustJSON(t, body, &info)
				if status != http.StatusOK || info["version"] != c.version {
					t.Errorf("%s: %d %v", path, status, info)
				}
				for _, k := range c.infoKeys {
					if _, ok := info[k]; !ok {
						t.Errorf("%s lacks %q on %s", path, k, c.version)
					}
				}
				if _, ok := info[c.noInfoKey]; c.noInfoKey != "" && ok {
					t.Errorf("%s has %q on %s", path, c.noInfoKey, c.version)
				}
			}
		})
	}
}

func TestAuthentication(t *testing.T) {
	e := start(t, agentserver.Options{Keys: []string{"old-key", "new-key"}})
	for _, key := range []string{"old-key", "new-key"} {
		if status, _ := e.doKey(http.MethodGet, "/api/conversations/count", nil, key); status != http.StatusOK {
			t.Errorf("key %s: %d", key, status)
		}
	}
	for _, key := range []string{"", "wrong", "old-key2"} {
		status, body := e.doKey(http.MethodGet, "/api/conversations/count", nil, key)
		if status != http.StatusUnauthorized || string(body) != `{"detail":"Unauthorized"}` {
			t.Errorf("key %q: %d %s", key, status, body)
		}
	}
	// No keys configured: auth is off.
	open := start(t, agentserver.Options{Keys: []string{}})
	if status, body := open.doKey(http.MethodGet, "/api/conversations/count", nil, ""); status != http.StatusOK || string(body) != "0" {
		t.Errorf("auth off: %d %s", status, body)
	}
}

func TestConversationStatusCodes(t *testing.T) {
	e := start(t, agentserver.Options{})
	unknown := newID()
	id := e.seed(agentserver.SeedSpec{Turns: 1})
	base := "/api/conversations/"

	e.expect(http.MethodGet, base+unknown, nil, http.StatusNotFound)
	e.expect(http.MethodGet, base+"not-a-uuid", nil, http.StatusUnprocessableEntity)
	e.expect(http.MethodPost, base+unknown+"/pause", nil, http.StatusBadRequest)
	e.expect(http.MethodPost, base+unknown+"/run", nil, http.StatusNotFound)
	e.expect(http.MethodDelete, base+unknown, nil, http.StatusBadRequest)
	if body := e.expect(http.MethodPatch, base+unknown, map[string]any{"title": "x"}, http.StatusOK); string(body) != `{"success":false}` {
		t.Errorf("PATCH unknown: %s, want success false", body)
	}
	e.expect(http.MethodPatch, base+id, map[string]any{"title": strings.Repeat("x", 201)}, http.StatusUnprocessableEntity)
	e.expect(http.MethodPatch, base+id, map[string]any{"title": "Renamed", "tags": map[string]string{"team": "a1"}}, http.StatusOK)
	var info map[string]any
	e.getJSON(base+wire.Hex(id), http.StatusOK, &info) // the hex form is accepted too
	if info["title"] != "Renamed" || info["id"] != id {
		t.Errorf("after PATCH: title %v id %v", info["title"], info["id"])
	}
	e.expect(http.MethodGet, base+id+"/events/"+newID(), nil, http.StatusNotFound)
	e.expect(http.MethodGet, base+unknown+"/events/search", nil, http.StatusNotFound)
	e.expect(http.MethodPost, base+id+"/frobnicate", nil, http.StatusNotFound)
	e.expect(http.MethodPut, base+id, nil, http.StatusMethodNotAllowed)
	e.expect(http.MethodDelete, base+id, nil, http.StatusOK)
	e.expect(http.MethodGet, base+id, nil, http.StatusNotFound)
}

func TestInterruptRouteOnlyOnNewServers(t *testing.T) {
	old := start(t, agentserver.Options{Version: "1.22.0"})
	id := old.seed(agentserver.SeedSpec{})
	status, _ := old.do(http.MethodPost, "/api/conversations/"+id+"/interrupt", nil)
	if status != http.StatusNotFound && status != http.StatusMethodNotAllowed {
		t.Errorf("interrupt on 1.22: %d, want 404 or 405", status)
	}
	cur := start(t, agentserver.Options{Version: "1.23.0"})
	id = cur.seed(agentserver.SeedSpec{})
	cur.expect(http.MethodPost, "/api/conversations/"+id+"/interrupt", nil, http.StatusOK)
}

func TestCreateIsIdempotentAndInfoShape(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := newID()
	body := map[string]any{
		"agent":           map[string]any{"llm": map[string]any{"model": "m1"}},
		"conversation_id": wire.Hex(id),
		"tags":            map[string]string{"env": "ci"},
	}
	e.expect(http.MethodPost, "/api/conversations", body, http.StatusCreated)
	var info map[string]any
	mustJSON(t, e.expect(http.MethodPost, "/api/conversations", body, http.StatusOK), &info)
	if info["id"] != id {
		t.Fatalf("id %v, want dashed %s", info["id"], id)
	}
	for _, k := range []string{"title", "metrics", "security_analyzer", "hook_config"} {
		if v, ok := info[k]; !ok || v != nil {
			t.Errorf("ConversationInfo %q = %v, want present and null", k, v)
		}
	}
	if ts, _ := info["created_at"].(string); !strings.HasSuffix(ts, "Z") {
		t.Errorf("created_at %q is not tz-aware UTC", ts)
	}
	usage := info["stats"].(map[string]any)["usage_to_metrics"].(map[string]any)
	if len(usage) < 2 {
		t.Errorf("usage_to_metrics has %d usage ids", len(usage))
	}
	for _, m := range usage {
		m := m.(map[string]any)
		for _, k := range []string{"accumulated_cost", "accumulated_token_usage", "costs", "token_usages"} {
			if _, ok := m[k]; !ok {
				t.Errorf("metrics lacks %s", k)
			}
		}
	}
	e.expect(http.MethodPost, "/api/conversations", map[string]any{}, http.StatusUnprocessableEntity)
	e.expect(http.MethodPost, "/api/conversations", "{not json", http.StatusUnprocessableEntity)
}

func TestAutotitleByVersion(t *testing.T) {
	for _, c := range []struct {
		version string
		want    any
	}{{"1.44.0", "Please fix the failing test in the parser packa..."}, {"1.11.0", nil}} {
		e := start(t, agentserver.Options{Version: c.version})
		id := e.seed(agentserver.SeedSpec{})
		if err := e.srv.SendMessage(id, "Please fix the failing test in the parser package, it breaks CI", false); err != nil {
			t.Fatal(err)
		}
		var info map[string]any
		e.getJSON("/api/conversations/"+id, http.StatusOK, &info)
		if info["title"] != c.want {
			t.Errorf("%s: title %v, want %v", c.version, info["title"], c.want)
		}
	}
}

func TestBatchGetAndCount(t *testing.T) {
	e := start(t, agentserver.Options{})
	a := e.seed(agentserver.SeedSpec{Status: agentserver.StatusFinished})
	b := e.seed(agentserver.SeedSpec{})
	var got []map[string]any
	e.getJSON("/api/conversations?ids="+a+"&ids="+newID()+"&ids="+wire.Hex(b), http.StatusOK, &got)
	if len(got) != 3 || got[0]["id"] != a || got[1] != nil || got[2]["id"] != b {
		t.Fatalf("batch get: %v", got)
	}
	var n int
	e.getJSON("/api/conversations/count", http.StatusOK, &n)
	if n != 2 {
		t.Errorf("count %d", n)
	}
	e.getJSON("/api/conversations/count?status=finished", http.StatusOK, &n)
	if n != 1 {
		t.Errorf("count finished %d", n)
	}
	e.expect(http.MethodGet, "/api/conversations/count?status=bogus", nil, http.StatusUnprocessableEntity)
	var final map[string]string
	e.getJSON("/api/conversations/"+a+"/agent_final_response", http.StatusOK, &final)
	if _, ok := final["response"]; !ok {
		t.Errorf("agent_final_response: %v", final)
	}
}

func TestSendMessageValidation(t *testing.T) {
	e := start(t, agentserver.Options{})
	id := e.seed(agentserver.SeedSpec{})
	path := "/api/conversations/" + id + "/events"
	// run defaults to false: the message is stored, nothing runs.
	e.expect(http.MethodPost, path, map[string]any{"content": []any{map[string]any{"type": "text", "text": "hi"}}}, http.StatusOK)
	if st, _ := e.srv.Status(id); st != agentserver.StatusIdle {
		t.Errorf("status %s after run:false", st)
	}
	e.expect(http.MethodPost, path, map[string]any{"role": "robot", "content": "x"}, http.StatusUnprocessableEntity)
	e.expect(http.MethodPost, path, map[string]any{"content": []any{map[string]any{"type": "text", "text": "x", "extra": 1}}}, http.StatusUnprocessableEntity)
	// Only user messages may be sent: the server's assert fails with a 500.
	e.expect(http.MethodPost, path, map[string]any{"role": "assistant", "content": "x"}, http.StatusInternalServerError)
	ids, _ := e.srv.EventIDs(id)
	if !slices.ContainsFunc(e.allEvents(id, ""), func(ev event) bool { return ev.kind() == "MessageEvent" }) || len(ids) != 2 {
		t.Errorf("events after one valid message: %d", len(ids))
	}
}

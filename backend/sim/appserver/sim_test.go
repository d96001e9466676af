package appserver

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

const testKey = "sim-app-server-key-0123456789"

func startSim(t *testing.T, cfg Config, seed SeedOptions) *Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	s, err := Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); s.Close() })
	if _, err := s.Seed(seed); err != nil {
		t.Fatal(err)
	}
	return s
}

// call makes a request with the key in the given header ("" for none).
func call(t *testing.T, s *Server, method, path, header string) (int, []byte) {
	t.Helper()
	req, _ := http.NewRequest(method, s.URL+path, nil)
	switch header {
	case "bearer":
		req.Header.Set("Authorization", "Bearer "+testKey)
	case "session":
		req.Header.Set("X-Session-API-Key", testKey)
	case "wrong":
		req.Header.Set("Authorization", "Bearer nope")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b
}

type pageJSON struct {
	Items []struct {
		ID              string `json:"id"`
		Status          string `json:"status"`
		SessionAPIKey   *string
		ParentID        *string `json:"parent_conversation_id"`
		ExecStatus      *string `json:"execution_status"`
		ConversationURL *string `json:"conversation_url"`
	} `json:"items"`
	NextPageID *string `json:"next_page_id"`
}

func getPage(t *testing.T, s *Server, path string) pageJSON {
	t.Helper()
	code, body := call(t, s, "GET", path, "bearer")
	if code != 200 {
		t.Fatalf("GET %s: %d %s", path, code, body)
	}
	var p pageJSON
	if err := json.Unmarshal(body, &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestAuthBearerOrSessionHeader(t *testing.T) {
	s := startSim(t, Config{}, SeedOptions{Sandboxes: 1})
	for header, want := range map[string]int{"bearer": 200, "session": 200, "": 401, "wrong": 401} {
		if code, body := call(t, s, "GET", "/api/v1/sandboxes/search", header); code != want {
			t.Errorf("header %q: got %d %s, want %d", header, code, body, want)
		} else if code == 401 && !strings.Contains(string(body), "Unauthorized") {
			t.Errorf("401 body %s", body)
		}
	}
}

func TestSandboxPagingAsUpstream(t *testing.T) {
	s := startSim(t, Config{}, SeedOptions{Sandboxes: 5, Paused: 2})
	seen := map[string]bool{}
	p := getPage(t, s, "/api/v1/sandboxes/search?limit=2")
	pages := 1
	for {
		for _, it := range p.Items {
			seen[it.ID] = true
		}
		if p.NextPageID == nil {
			break
		}
		p = getPage(t, s, "/api/v1/sandboxes/search?limit=2&page_id="+*p.NextPageID)
		pages++
	}
	if len(seen) != 5 || pages != 3 {
		t.Fatalf("saw %d sandboxes in %d pages", len(seen), pages)
	}
	// A page id that is not an offset starts from the beginning.
	if p := getPage(t, s, "/api/v1/sandboxes/search?limit=2&page_id=bogus"); len(p.Items) != 2 || p.NextPageID == nil || *p.NextPageID != "2" {
		t.Fatalf("bogus page id: %+v", p)
	}
	if p := getPage(t, s, "/api/v1/sandboxes/search?page_id=99"); len(p.Items) != 0 || p.NextPageID != nil {
		t.Fatalf("past the end: %+v", p)
	}
	if code, _ := call(t, s, "GET", "/api/v1/sandboxes/search?limit=101", "bearer"); code != 422 {
		t.Fatalf("limit 101: %d", code)
	}
}

func TestDeleteNeedsSandboxIDQuery(t *testing.T) {
	s := startSim(t, Config{}, SeedOptions{Sandboxes: 1})
	id := s.SandboxIDs()[0]
	if code, _ := call(t, s, "DELETE", "/api/v1/sandboxes/"+id, "bearer"); code != 422 {
		t.Fatalf("delete without query: %d", code)
	}
	if code, _ := call(t, s, "DELETE", "/api/v1/sandboxes/"+id+"?sandbox_id="+id, "bearer"); code != 200 {
		t.Fatalf("delete: %d", code)
	}
	if code, _ := call(t, s, "POST", "/api/v1/sandboxes/"+id+"/pause", "bearer"); code != 404 {
		t.Fatalf("pause deleted: %d", code)
	}
}

func TestConversationSearchFiltersAndSubs(t *testing.T) {
	s := startSim(t, Config{}, SeedOptions{Sandboxes: 3, Paused: 1, Conversations: 12, SubConversations: 2})
	if p := getPage(t, s, "/api/v1/app-conversations/search"); len(p.Items) != 10 {
		t.Fatalf("top-level: %d", len(p.Items))
	}
	p := getPage(t, s, "/api/v1/app-conversations/search?include_sub_conversations=true&limit=5")
	if len(p.Items) != 5 || p.NextPageID == nil || *p.NextPageID != "5" {
		t.Fatalf("page 1: %d %v", len(p.Items), p.NextPageID)
	}
	for _, it := range p.Items {
		if it.ConversationURL != nil && !strings.Contains(*it.ConversationURL, "/api/conversations/"+it.ID) {
			t.Fatalf("conversation_url %s", *it.ConversationURL)
		}
	}
	hex := s.ConversationIDs()[0]
	since := time.Now().UTC().Format(time.RFC3339Nano)
	time.Sleep(2 * time.Millisecond)
	if p := getPage(t, s, "/api/v1/app-conversations/search?include_sub_conversations=true&updated_at__gte="+since); len(p.Items) != 0 {
		t.Fatalf("nothing changed, got %d", len(p.Items))
	}
	s.SetTitle(hex, "Renamed")
	p = getPage(t, s, "/api/v1/app-conversations/search?include_sub_conversations=true&updated_at__gte="+since)
	if len(p.Items) != 1 || p.Items[0].ID != hex {
		t.Fatalf("after a change: %+v", p.Items)
	}
}

func waitTask(t *testing.T, s *Server, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		_, body := call(t, s, "GET", "/api/v1/app-conversations/start-tasks?ids="+id, "bearer")
		var tasks []map[string]any
		if err := json.Unmarshal(body, &tasks); err != nil {
			t.Fatal(err)
		}
		if st := tasks[0]["status"]; st == TaskReady || st == TaskError {
			return tasks[0]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("start task did not finish")
	return nil
}

func postStart(t *testing.T, s *Server, body string) string {
	t.Helper()
	req, _ := http.NewRequest("POST", s.URL+"/api/v1/app-conversations", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+testKey)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var task map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&task); err != nil || task["status"] != TaskWorking {
		t.Fatalf("start: %v %v", err, task)
	}
	return task["id"].(string)
}

func TestStartTaskReadyAndError(t *testing.T) {
	s := startSim(t, Config{StepDelay: time.Millisecond}, SeedOptions{})
	s.FailRepository("acme/missing", "Repository not found")
	id := postStart(t, s, `{"initial_message":{"role":"user","content":[{"type":"text","text":"hello"}]},"selected_repository":"acme/widgets"}`)
	task := waitTask(t, s, id)
	if task["status"] != TaskReady || task["app_conversation_id"] == nil || task["agent_server_url"] == nil {
		t.Fatalf("task: %v", task)
	}
	_, body := call(t, s, "GET", "/api/v1/app-conversations?ids="+task["app_conversation_id"].(string), "bearer")
	if !strings.Contains(string(body), `"selected_repository":"acme/widgets"`) {
		t.Fatalf("conversation: %s", body)
	}
	id = postStart(t, s, `{"selected_repository":"acme/missing"}`)
	if task := waitTask(t, s, id); task["status"] != TaskError || task["detail"] != "Repository not found" {
		t.Fatalf("task: %v", task)
	}
}

func TestAgentProxyFollowsSandboxStatus(t *testing.T) {
	s := startSim(t, Config{}, SeedOptions{Sandboxes: 1, Conversations: 1})
	id := s.SandboxIDs()[0]
	if code, body := call(t, s, "GET", "/agent/"+id+"/alive", ""); code != 200 {
		t.Fatalf("alive: %d %s", code, body)
	}
	s.SetSandboxStatus(id, StatusPaused)
	if code, _ := call(t, s, "GET", "/agent/"+id+"/alive", ""); code != 503 {
		t.Fatalf("paused: %d", code)
	}
	s.SetDown(503)
	if code, _ := call(t, s, "GET", "/api/v1/sandboxes/search", "bearer"); code != 503 {
		t.Fatalf("down: %d", code)
	}
}

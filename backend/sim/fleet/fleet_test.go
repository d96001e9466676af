package fleet

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote"
	"github.com/ohdash/ohdash/backend/remote/store"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// The remote backend lists the fleet's runtimes, and each running one
// answers as an agent-server holding the seeded conversations.
func TestFleetServesConversationsBehindRuntimes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, err := Start(ctx, Options{Runtimes: 4, Conversations: 3, Mix: runtimeapi.Mix{Paused: 0.3}, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	st, err := store.Open(ctx, t.TempDir()+"/remote.db", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := remote.New(remote.Options{URL: f.URL, APIKey: backend.NewSecret(f.APIKey), Store: st})
	if err != nil {
		t.Fatal(err)
	}
	sbs, err := b.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(sbs) != 4 {
		t.Fatalf("listed %d sandboxes, want 4", len(sbs))
	}
	running := 0
	for _, sb := range sbs {
		if sb.Status != backend.StatusRunning {
			continue
		}
		running++
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, sb.AgentURL()+"/api/conversations/search?limit=100", nil)
		req.Header.Set("X-Session-API-Key", sb.SessionAPIKey.Reveal())
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var page struct {
			Items []map[string]any `json:"items"`
		}
		err = json.NewDecoder(resp.Body).Decode(&page)
		resp.Body.Close()
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: status %d, %v", sb.ID, resp.StatusCode, err)
		}
		if len(page.Items) != 3 {
			t.Fatalf("%s hosts %d conversations, want 3", sb.ID, len(page.Items))
		}
	}
	if running == 0 {
		t.Fatal("no running runtime to reach")
	}
}

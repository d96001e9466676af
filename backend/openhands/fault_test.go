package openhands

import (
	"errors"
	"net/http"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/convroute"
	"github.com/ohdash/ohdash/backend/sim/appserver"
)

// With the app-server down, conversations are still listed: from what
// was listed before, or, when nothing was, from the agent-servers, which
// still answer.
func TestFaultAppServerDownAgentServersAnswer(t *testing.T) {
	s := startSim(t, appserver.Config{}, appserver.SeedOptions{Sandboxes: 3, Conversations: 9})
	b := newBackend(t, s, testKey)
	ctx := ctxT(t)
	sbs, err := b.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	o := NewOverlay(convroute.New(convroute.Options{}), []backend.Backend{b})
	s.SetDown(http.StatusServiceUnavailable)
	if _, err := b.List(ctx); !errors.Is(err, backend.ErrUnavailable) {
		t.Fatalf("list while down: %v", err)
	}
	total := 0
	for _, sc := range o.AllConversations(ctx, sbs) {
		if sc.Err != nil {
			t.Fatalf("sandbox %s: %v", sc.Sandbox.ID, sc.Err)
		}
		total += len(sc.Conversations)
	}
	if total != 9 {
		t.Fatalf("%d conversations from the agent-servers, want 9", total)
	}
	s.SetDown(0)
	if convs, err := b.AppConversations(ctx); err != nil || len(convs) != 9 {
		t.Fatalf("back up: %d %v", len(convs), err)
	}
	s.SetDown(http.StatusBadGateway)
	convs, err := b.AppConversations(ctx)
	if err == nil || len(convs) != 9 {
		t.Fatalf("down again: last-known rows must stay: %d %v", len(convs), err)
	}
}

// With the agent-servers gone (sandbox paused behind the app-server's
// back), the app-server still lists the conversations, and reading events
// fails with a clear error instead of hanging.
func TestFaultAgentServersDownAppServerAnswers(t *testing.T) {
	s := startSim(t, appserver.Config{}, appserver.SeedOptions{Sandboxes: 2, Conversations: 4})
	b := newBackend(t, s, testKey)
	ctx := ctxT(t)
	sbs, err := b.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	router := convroute.New(convroute.Options{})
	o := NewOverlay(router, []backend.Backend{b})
	for _, id := range s.SandboxIDs() {
		a, _ := s.Agent(id)
		a.Close()
	}
	// The proxy answers 503 for a sandbox that is not running; the
	// app-server has not noticed yet.
	for _, id := range s.SandboxIDs() {
		s.SetSandboxStatus(id, appserver.StatusPaused)
	}
	total := 0
	for _, sc := range o.AllConversations(ctx, sbs) {
		total += len(sc.Conversations)
	}
	if total != 4 {
		t.Fatalf("%d conversations, want 4", total)
	}
	c := o.AllConversations(ctx, sbs[:1])[0]
	if len(c.Conversations) == 0 {
		t.Fatal("no conversation")
	}
	page, err := router.EventsBefore(ctx, sbs[0], c.Conversations[0].ID, backend.PageQuery{})
	if err == nil {
		t.Fatalf("events from a stopped agent-server: %+v", page)
	}
}

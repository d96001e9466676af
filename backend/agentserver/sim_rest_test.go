package agentserver

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	sim "github.com/ohdash/ohdash/backend/sim/agentserver"
)

const simKey = "sim-session-key-0123456789"

// newSim starts the shared emulator in-process and a client for it.
func newSim(t testing.TB, opts sim.Options, mod ...func(*Options)) (*sim.Server, *Client) {
	t.Helper()
	if opts.Keys == nil {
		opts.Keys = []string{simKey}
	}
	srv, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	o := Options{Timeout: 5 * time.Second, Stream: fastTuning()}
	for _, m := range mod {
		m(&o)
	}
	c, err := New(ts.URL, backend.NewSecret(simKey), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
		c.api.HTTP.CloseIdleConnections()
	})
	return srv, c
}

func seed(t testing.TB, srv *sim.Server, spec sim.SeedSpec) string {
	t.Helper()
	id, err := srv.Seed(spec)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// TestSimRoutes runs every REST route against the emulator as a current
// server and as the 1.1 server OpenHands pinned in November 2025.
func TestSimRoutes(t *testing.T) {
	for _, version := range []string{"1.44.0", "1.1.0"} {
		t.Run(version, func(t *testing.T) { simRoutes(t, version) })
	}
}

func simRoutes(t *testing.T, version string) {
	ctx := context.Background()
	srv, c := newSim(t, sim.Options{Version: version})
	legacy := version == "1.1.0"

	info, err := c.ServerInfo(ctx)
	if err != nil || info.Version.String() != version {
		t.Fatalf("server info %+v %v", info, err)
	}
	if v, ok := c.KnownVersion(); !ok || v.HasResendSince() == legacy || v.HasInterrupt() == legacy {
		t.Errorf("version features for %s: %+v", version, v)
	}
	if err := c.Health(ctx); err != nil {
		t.Errorf("health: %v", err)
	}
	if err := c.Ready(ctx); err != nil {
		t.Errorf("ready (1.1 falls back to health): %v", err)
	}

	// Paging: 230 conversations come back whole, 100 at a time.
	for i := 0; i < 230; i++ {
		seed(t, srv, sim.SeedSpec{})
	}
	busy := seed(t, srv, sim.SeedSpec{Turns: 3, Title: "three turns"})
	all, err := c.Conversations(ctx)
	if err != nil || len(all) != 231 {
		t.Fatalf("conversations: %d %v", len(all), err)
	}
	if n, err := c.CountConversations(ctx, ""); err != nil || n != 231 {
		t.Errorf("count %d %v", n, err)
	}
	page, err := c.SearchConversations(ctx, SearchQuery{Limit: 500})
	if err != nil || len(page.Conversations) != 100 || page.Next == "" {
		t.Errorf("page of a too-large limit: %d next %q %v", len(page.Conversations), page.Next, err)
	}

	// One conversation, and its cost as the sum over usage ids.
	conv, err := c.Conversation(ctx, backend.ConversationIDHex(busy))
	if err != nil || conv.ID != busy || conv.Title != "three turns" {
		t.Fatalf("get: %+v %v", conv, err)
	}
	raw, _ := srv.Info(busy)
	var ci conversationInfo
	if err := json.Unmarshal(raw, &ci); err != nil {
		t.Fatal(err)
	}
	wantCost, wantTok := sumMetrics(ci.Stats.UsageToMetrics)
	if conv.Cost != wantCost || conv.Tokens != wantTok || conv.Tokens.Prompt == 0 {
		t.Errorf("cost %v %+v, want %v %+v", conv.Cost, conv.Tokens, wantCost, wantTok)
	}
	got, err := c.ConversationsByID(ctx, []string{busy, "11111111-2222-3333-4444-555555555555"})
	if err != nil || len(got) != 1 || got[0].ID != busy {
		t.Errorf("batch get: %d %v", len(got), err)
	}
	if _, err := c.Conversation(ctx, "11111111-2222-3333-4444-555555555555"); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("unknown conversation: %v", err)
	}

	// Events: filters need the class path; bounds echo timestamps.
	msgs, err := c.SearchEvents(ctx, busy, EventQuery{Kind: "MessageEvent"})
	if err != nil || len(msgs.Events) != 6 {
		t.Fatalf("message events: %d %v", len(msgs.Events), err)
	}
	for _, e := range msgs.Events {
		if e.Kind != "MessageEvent" {
			t.Errorf("kind filter let through %s", e.Kind)
		}
	}
	if n, err := c.CountEvents(ctx, busy, EventQuery{Kind: "MessageEvent"}); err != nil || n != 6 {
		t.Errorf("count messages %d %v", n, err)
	}
	ids, _ := srv.EventIDs(busy)
	mid := msgs.Events[2]
	after, err := c.SearchEvents(ctx, busy, EventQuery{Since: mid.Timestamp})
	if err != nil || len(after.Events) == 0 || after.Events[0].ID != mid.ID {
		t.Errorf("timestamp__gte: %v", err)
	}
	one, err := c.Event(ctx, busy, ids[0])
	if err != nil || one.ID != ids[0] || len(one.Raw) == 0 || len(one.Raw) != one.RawSize {
		t.Errorf("get event: %+v %v", one, err)
	}
	if _, err := c.Event(ctx, busy, "no-such-event"); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("unknown event: %v", err)
	}

	// Actions.
	if err := c.SendMessage(ctx, busy, "please continue"); err != nil {
		t.Fatalf("send: %v", err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := srv.WaitEventCount(wctx, busy, len(ids)+1); err != nil {
		t.Fatal(err)
	}
	last, err := c.EventsBefore(ctx, busy, backend.PageQuery{Limit: 100})
	if err != nil || !containsSummary(last.Events, "user> please continue") {
		t.Errorf("message not in history: %v", err)
	}
	if err := srv.WaitStatus(wctx, busy, sim.StatusFinished); err != nil {
		t.Fatal(err)
	}

	srv.SetPace(100 * time.Millisecond)
	run := seed(t, srv, sim.SeedSpec{Turns: 1})
	if err := srv.SendMessage(run, "a long task", true); err != nil {
		t.Fatal(err)
	}
	if err := c.Run(ctx, run); !errors.Is(err, backend.ErrConflict) {
		t.Errorf("run while running: %v", err)
	}
	out, err := c.Interrupt(ctx, run)
	if err != nil || (out == backend.PausedInstead) != legacy {
		t.Errorf("interrupt: outcome %v err %v", out, err)
	}
	if err := srv.WaitStatus(wctx, run, sim.StatusPaused); err != nil {
		st, _ := srv.Status(run)
		evs, _ := c.EventsBefore(ctx, run, backend.PageQuery{Limit: 30})
		t.Fatalf("not paused (%s): %v\n%s", st, err, summaries(evs.Events))
	}
	if err := c.Run(ctx, run); err != nil {
		t.Errorf("resume: %v", err)
	}
	if err := c.Pause(ctx, run); err != nil {
		t.Errorf("pause: %v", err)
	}
	srv.SetPace(0)

	wait := seed(t, srv, sim.SeedSpec{Turns: 1, Status: sim.StatusWaitingForConfirmation, Confirmation: sim.AlwaysConfirm})
	if err := c.RespondToConfirmation(ctx, wait, false, "not now"); err != nil {
		t.Errorf("reject: %v", err)
	}
	ev, _ := c.EventsBefore(ctx, wait, backend.PageQuery{Limit: 10})
	if !containsSummary(ev.Events, "✗ rejected terminal: not now") {
		t.Errorf("no rejection event in %v", summaries(ev.Events))
	}

	if err := c.Delete(ctx, run); err != nil {
		t.Errorf("delete: %v", err)
	}
	if err := c.Delete(ctx, run); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("delete twice: %v", err)
	}
	if err := c.Pause(ctx, "11111111-2222-3333-4444-555555555555"); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("pause unknown: %v", err)
	}

	bad, _ := New(c.BaseURL(), backend.NewSecret("wrong-key-1234567"), Options{})
	if _, err := bad.Conversations(ctx); !errors.Is(err, backend.ErrUnauthorized) {
		t.Errorf("wrong key: %v", err)
	}
	bad.api.HTTP.CloseIdleConnections()
}

func containsSummary(evs []backend.Event, s string) bool {
	for _, e := range evs {
		if e.Summary == s {
			return true
		}
	}
	return false
}

func summaries(evs []backend.Event) string {
	var b strings.Builder
	for _, e := range evs {
		b.WriteString(e.Summary + "\n")
	}
	return b.String()
}

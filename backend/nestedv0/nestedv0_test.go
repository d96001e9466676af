package nestedv0

import (
	"context"
	"errors"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/faults"
	sim "github.com/ohdash/ohdash/backend/sim/nestedv0"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const convHex = "5f0e7f9e2b5f4c439a8e6f1d3a2b1c77"

func fastOptions() Options {
	return Options{
		Timeout: 2 * time.Second, PollInterval: 20 * time.Millisecond, StopInterval: 20 * time.Millisecond,
		NewBackoff: func() *backend.Backoff {
			return &backend.Backoff{Min: 5 * time.Millisecond, Max: 40 * time.Millisecond}
		},
	}
}

// newV0 starts the V0 emulator and returns it with a sandbox as the Docker
// backend would describe it.
func newV0(t *testing.T, opts sim.Options) (*sim.Server, backend.Sandbox, *Client) {
	t.Helper()
	if opts.ConversationID == "" {
		opts.ConversationID = convHex
	}
	opts.Key = sim.DeriveKey("jwt-secret", opts.ConversationID)
	srv, err := sim.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	sb := backend.Sandbox{
		ID: "openhands-runtime-" + opts.ConversationID, Source: "docker", Flavor: backend.FlavorNestedV0,
		Status: backend.StatusRunning, ConversationID: opts.ConversationID,
		ExposedURLs:   []backend.ExposedURL{{Name: backend.URLAgentServer, URL: ts.URL}},
		SessionAPIKey: backend.NewSecret(opts.Key),
	}
	c, err := ForSandbox(sb, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		srv.Close()
		ts.Close()
		c.api.HTTP.CloseIdleConnections()
	})
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := srv.WaitStatus(ctx, sim.StatusRunning); err != nil {
		t.Fatal(err)
	}
	return srv, sb, c
}

func TestConversationAndControls(t *testing.T) {
	ctx := context.Background()
	srv, _, c := newV0(t, sim.Options{Title: "fix \x1b[31mthe build"})
	conv, err := c.Conversation(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if conv.ID != "5f0e7f9e-2b5f-4c43-9a8e-6f1d3a2b1c77" || conv.Flavor != backend.FlavorNestedV0 || conv.Title != "fix the build" {
		t.Errorf("conversation %+v", conv)
	}
	if conv.RawStatus != StatusRunning || conv.Status != backend.ExecIdle {
		t.Errorf("status %s/%s: a running loop awaiting input reads idle", conv.RawStatus, conv.Status)
	}

	if err := c.SendMessage(ctx, "list the files"); err != nil {
		t.Fatal(err)
	}
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := srv.WaitEventCount(wctx, 4); err != nil {
		t.Fatal(err)
	}
	page, err := c.EventsBefore(ctx, backend.PageQuery{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range page.Events {
		found = found || e.Summary == "user> list the files"
	}
	if !found {
		t.Errorf("message missing: %v", page.Events)
	}
	one, err := c.Event(ctx, page.Events[0].ID)
	if err != nil || one.ID != page.Events[0].ID || len(one.Raw) == 0 {
		t.Errorf("event: %+v %v", one, err)
	}

	for name, f := range map[string]func(context.Context) error{"pause": c.Pause, "interrupt": c.Interrupt, "run": c.Run} {
		if err := f(ctx); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	if err := c.RespondToConfirmation(ctx, true); err != nil {
		t.Errorf("confirm: %v", err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("stop: %v", err)
	}
	if st := srv.Status(); st != sim.StatusStopped {
		t.Errorf("after stop: %s", st)
	}
	if err := c.SendMessage(ctx, "hello?"); !errors.Is(err, backend.ErrConflict) {
		t.Errorf("message to a stopped loop: %v", err)
	}
	if err := c.Run(ctx); err != nil {
		t.Errorf("start: %v", err)
	}
	if err := srv.WaitStatus(wctx, sim.StatusRunning); err != nil {
		t.Error(err)
	}
	if err := c.Delete(ctx); err != nil {
		t.Errorf("delete: %v", err)
	}
	if _, err := c.Conversation(ctx); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("after delete: %v", err)
	}
}

func TestStopWaitsThenGivesUp(t *testing.T) {
	_, _, c := newV0(t, sim.Options{StopDelay: time.Hour})
	err := c.Stop(context.Background())
	if !errors.Is(err, backend.ErrConflict) || !strings.Contains(err.Error(), "still RUNNING after 3 checks") {
		t.Errorf("stop that never completes: %v", err)
	}
}

func TestWrongKeyAndBadSandbox(t *testing.T) {
	_, sb, _ := newV0(t, sim.Options{})
	sb.SessionAPIKey = backend.NewSecret("not-the-derived-key")
	c, err := ForSandbox(sb, fastOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer c.api.HTTP.CloseIdleConnections()
	if _, err := c.Conversation(context.Background()); !errors.Is(err, backend.ErrUnauthorized) {
		t.Errorf("wrong key: %v", err)
	}
	if _, err := ForSandbox(backend.Sandbox{ID: "x", Flavor: backend.FlavorAgentServer}, Options{}); !errors.Is(err, backend.ErrUnsupported) {
		t.Errorf("V1 sandbox: %v", err)
	}
	if _, err := New("http://x", backend.Secret{}, "../etc", Options{}); !errors.Is(err, backend.ErrInvalidID) {
		t.Errorf("bad id: %v", err)
	}
}

func readUntil(t *testing.T, ch <-chan backend.EventUpdate, got *[]backend.Event, last *backend.EventUpdate, cond func() bool) bool {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for !cond() {
		select {
		case u, ok := <-ch:
			if !ok {
				return cond()
			}
			*got = append(*got, u.Events...)
			*last = u
		case <-deadline:
			return false
		}
	}
	return true
}

func TestStreamPollsWithoutGapsThroughFaults(t *testing.T) {
	srv, _, c := newV0(t, sim.Options{})
	srv.Generate(250)
	ctx, cancel := context.WithCancel(context.Background())
	ch := c.StreamEvents(ctx, backend.StreamOptions{Tail: 120})
	var got []backend.Event
	var last backend.EventUpdate
	n := len(srv.Events())
	if !readUntil(t, ch, &got, &last, func() bool { return len(got) >= 120 && last.Conn.Phase == backend.ConnLive }) {
		t.Fatalf("tail: %d", len(got))
	}
	if got[0].ID != strconv.Itoa(n-120) {
		t.Errorf("tail starts at %s, want %d", got[0].ID, n-120)
	}
	_ = srv.SetFaults(faults.Config{ErrorRate: 1})
	if !readUntil(t, ch, &got, &last, func() bool { return last.Conn.Phase == backend.ConnReconnecting }) {
		t.Fatal("errors not shown")
	}
	srv.Generate(300)
	_ = srv.SetFaults(faults.Config{})
	want := len(srv.Events())
	if !readUntil(t, ch, &got, &last, func() bool { return len(got) >= want-(n-120) && last.Conn.Phase == backend.ConnLive }) {
		t.Fatalf("after recovery: %d", len(got))
	}
	for i, e := range got {
		if e.ID != strconv.Itoa(n-120+i) {
			t.Fatalf("event %d has id %s", i, e.ID)
		}
	}
	cancel()
	for range ch {
	}
}

func TestStreamClosesOnWrongKey(t *testing.T) {
	_, sb, _ := newV0(t, sim.Options{})
	sb.SessionAPIKey = backend.NewSecret("nope-nope-nope")
	c, _ := ForSandbox(sb, fastOptions())
	defer c.api.HTTP.CloseIdleConnections()
	var got []backend.Event
	var last backend.EventUpdate
	ch := c.StreamEvents(context.Background(), backend.StreamOptions{})
	readUntil(t, ch, &got, &last, func() bool { return last.Conn.Phase == backend.ConnClosed })
	for range ch {
	}
	if !errors.Is(last.Conn.Err, backend.ErrUnauthorized) {
		t.Errorf("state %v", last.Conn)
	}
}

func TestSummaries(t *testing.T) {
	cases := map[string]string{
		`{"id":1,"timestamp":"t","source":"user","message":"m","action":"message","args":{"content":"hi\nthere","image_urls":["a"]}}`:                            "user> hi [image×1]",
		`{"id":2,"timestamp":"t","source":"agent","action":"run","args":{"command":"make test"}}`:                                                                "→ run: $ make test",
		`{"id":3,"timestamp":"t","source":"agent","observation":"run","content":"FAIL\nx","extras":{"command":"make","metadata":{"exit_code":2}}}`:               "← run [exit 2]: FAIL",
		`{"id":4,"timestamp":"t","source":"agent","observation":"error","content":"boom \u001b]0;x\u0007"}`:                                                      "! error: boom",
		`{"id":5,"timestamp":"t","source":"environment","observation":"agent_state_changed","content":"","extras":{"agent_state":"awaiting_user_confirmation"}}`: "state: awaiting_user_confirmation",
		`{"id":6,"timestamp":"t","source":"agent","action":"finish","args":{"final_thought":"done"}}`:                                                            "→ finish: done",
		`{"id":7,"timestamp":"t","source":"agent","action":"teleport","message":"beam up"}`:                                                                      "→ teleport: beam up",
		`{"id":8,"timestamp":"t","source":"agent","observation":"edit","content":"diff","extras":{"path":"/w/a.py"}}`:                                            "← edit: /w/a.py",
	}
	for in, want := range cases {
		d, err := decodeEvent([]byte(in), 0)
		if err != nil || d.ev.Summary != want {
			t.Errorf("%s\n got %q %v, want %q", in, d.ev.Summary, err, want)
		}
	}
	d, _ := decodeEvent([]byte(`{"id":5,"timestamp":"t","source":"environment","observation":"agent_state_changed","extras":{"agent_state":"awaiting_user_confirmation"}}`), 0)
	if statusOf("", d.agentState) != backend.ExecWaitingForConfirmation {
		t.Error("agent state not mapped")
	}
	for _, bad := range []string{`{"timestamp":"t"}`, `{"id":-1,"timestamp":"t"}`, `{"id":1}`, `nope`} {
		if _, err := decodeEvent([]byte(bad), 0); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

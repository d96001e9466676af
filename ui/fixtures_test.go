package ui

import (
	"context"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/backend/sanitize"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/convtab"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// testNow pins the clock so ages in golden views never change.
var testNow = testkit.Now

func fixtureSandboxes() []backend.Sandbox {
	key := backend.NewSecret("kP3xq9ZrT1bVw7YcLm2NfA8sDe4GhJ6uXo0iQyRtBnM")
	return []backend.Sandbox{
		{
			ID: "oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE", Prefix: "oh-agent-server-", Flavor: backend.FlavorAgentServer,
			Status: backend.StatusRunning, RawState: "running", SpecID: "ghcr.io/openhands/agent-server:1.43.1-python",
			CreatedAt: testNow.Add(-3 * time.Hour), StartedAt: testNow.Add(-3 * time.Hour),
			ExposedURLs: []backend.ExposedURL{
				{Name: backend.URLAgentServer, URL: "http://localhost:32768", Port: 8000},
				{Name: backend.URLVSCode, URL: "http://localhost:32769/?tkn=" + key.Reveal() + "&folder=/workspace/project", Port: 8001},
				{Name: backend.URLWorker1, URL: "http://localhost:32770", Port: 8011},
				{Name: backend.URLWorker2, URL: "http://localhost:32771", Port: 8012},
			},
			SessionAPIKey: key,
			Health:        backend.Health{State: backend.HealthOK, Latency: 4 * time.Millisecond, Checked: testNow.Add(-time.Minute)},
			WorkingDir:    "/workspace/project",
			Labels:        map[string]string{"sandbox_spec_id": "ghcr.io/openhands/agent-server:1.43.1-python"},
			Env: []backend.EnvVar{
				{Name: "OH_SESSION_API_KEYS_0", Value: key.Reveal(), Sensitive: true},
				{Name: "LOG_JSON", Value: "true"},
			},
		},
		{
			ID: "oh-agent-server-7HcQm1ZxPv3Lr8Kd2WnFgA", Prefix: "oh-agent-server-", Flavor: backend.FlavorAgentServer,
			Status: backend.StatusPaused, RawState: "exited", StatusDetail: "exit code 0",
			SpecID: "ghcr.io/openhands/agent-server:1.43.1-python", CreatedAt: testNow.Add(-50 * time.Hour),
			Health: backend.Health{State: backend.HealthNone},
		},
		{
			ID: "openhands-runtime-9f3c2a7e5b1d4c8e9a0b1c2d3e4f5a6b", Prefix: "openhands-runtime-", Flavor: backend.FlavorNestedV0,
			Status: backend.StatusError, RawState: "running", StatusDetail: "health check failed",
			SpecID: "ghcr.io/openhands/runtime:0.62-nikolaik", CreatedAt: testNow.Add(-10 * time.Minute),
			ConversationID: "9f3c2a7e5b1d4c8e9a0b1c2d3e4f5a6b",
			Health:         backend.Health{State: backend.HealthFailing, Detail: "connection refused"},
		},
	}
}

// harness is a root model over one fake backend, sized and loaded.
type harness struct {
	t  testing.TB
	m  Model
	fb *fake.Backend
}

func newHarness(t *testing.T, w, h int, cfg Config, sbs ...backend.Sandbox) *harness {
	t.Helper()
	fb := fake.New("docker", sbs...)
	cfg.Hub = backend.NewHub(fb)
	cfg.Theme = theme.New(true)
	cfg.FixedTheme = true
	cfg.Now = func() time.Time { return testNow }
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	hs := &harness{t: t, m: New(ctx, cfg), fb: fb}
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	for _, sb := range sbs {
		fb.SetLogs(sb.ID, fixtureLogs(sb.ID)...)
	}
	snap := <-fb.Watch(ctx)
	// A closed channel: the model's next wait returns at once instead of
	// blocking the harness; tests deliver later snapshots themselves.
	done := make(chan backend.Snapshot)
	close(done)
	hs.run(hs.send(snapshotMsg{snap: snap, ch: done}))
	return hs
}

// fixtureLogs are a few lines, one of them on stderr, one coloured.
func fixtureLogs(id string) []logbuf.Line {
	texts := []string{
		"INFO  agent-server starting on :8000 (" + id[:20] + ")",
		"INFO  \x1b[32mready\x1b[0m in 812ms",
		"WARN  conversation 4f1c… idle for 20m",
	}
	lines := make([]logbuf.Line, len(texts))
	for i, tx := range texts {
		text, width := sanitize.String(tx, sanitize.Options{})
		lines[i] = logbuf.Line{Seq: uint64(i + 1), Time: testNow.Add(time.Duration(i-3) * time.Second), Stream: logbuf.Stdout, Text: text, Width: width}
	}
	lines[2].Stream = logbuf.Stderr
	return lines
}

// send delivers a message and returns the Cmd it produced.
func (h *harness) send(msg tea.Msg) tea.Cmd {
	h.t.Helper()
	next, cmd := h.m.Update(msg)
	h.m = next.(Model)
	return cmd
}

// key presses a key: "p", "enter", "esc", "tab", "down"...
func (h *harness) key(k string) tea.Cmd {
	h.t.Helper()
	return h.send(keyMsg(k))
}

// run executes a Cmd and feeds back what it returns, recursively (batches
// included), skipping the endless clock. A Cmd that waits for a stream
// which has nothing more to say is abandoned after a moment: that is a
// follow stream at rest, not a failure.
func (h *harness) run(cmd tea.Cmd) {
	h.t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(500 * time.Millisecond):
		return
	}
	switch msg := msg.(type) {
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c)
		}
	case nil, tickMsg, statsTickMsg:
	default:
		h.run(h.send(msg))
	}
}

func (h *harness) view() string {
	h.t.Helper()
	v1, v2 := h.m.View().Content, h.m.View().Content
	if v1 != v2 {
		h.t.Fatal("View is not deterministic: two renders differ")
	}
	return v1
}

// keyMsg presses a key: "p", "enter", "esc", "tab", "down"...
var keyMsg = testkit.Press

// convTab is the registered conversations tab.
func (h *harness) convTab() convtab.Model {
	h.t.Helper()
	for _, p := range h.m.panes {
		if c, ok := p.(convtab.Model); ok {
			return c
		}
	}
	h.t.Fatal("no conversations tab registered")
	return convtab.Model{}
}

// refreshConversations re-reads the conversations list now, as its poll
// does, and returns the listing's Cmd.
func (h *harness) refreshConversations() tea.Cmd {
	h.t.Helper()
	for i, p := range h.m.panes {
		if c, ok := p.(convtab.Model); ok {
			c, cmd := c.Refresh()
			h.m.panes[i] = c
			return cmd
		}
	}
	h.t.Fatal("no conversations tab registered")
	return nil
}

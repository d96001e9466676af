package main

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// agentOf returns the agent-server emulator behind a fleet sandbox.
func (f *simFleet) agentOf(t *testing.T, sb backend.Sandbox) *agentserver.Server {
	t.Helper()
	for _, d := range sb.Details {
		if d.Name == "Runtime ID" {
			if a, ok := f.Agent(d.Value); ok {
				return a
			}
		}
	}
	t.Fatalf("no agent-server behind %s (has it been asked yet?)", sb.ID)
	return nil
}

// conversationsByStatus runs `convs --json` and indexes its output.
func conversationsJSON(t *testing.T, h *harness, args ...string) []conversationJSON {
	t.Helper()
	r := h.must(exitOK, append([]string{"convs", "--json"}, args...)...)
	var out []conversationJSON
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	return out
}

func pick(t *testing.T, convs []conversationJSON, status backend.ExecutionStatus) conversationJSON {
	t.Helper()
	for _, c := range convs {
		if c.ExecutionStatus == status {
			return c
		}
	}
	t.Fatalf("no %s conversation among %d", status, len(convs))
	return conversationJSON{}
}

// convs --json lists what every running sandbox's agent-server holds.
func TestConvsJSONMatchesTheAgentServers(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 4)
	got := conversationsJSON(t, h)
	bySandbox := map[string][]conversationJSON{}
	for _, c := range got {
		bySandbox[c.SandboxID] = append(bySandbox[c.SandboxID], c)
		if c.ID == "" || c.Title == "" || c.ExecutionStatus == "" || c.CreatedAt == nil || c.Backend != "eval" {
			t.Errorf("incomplete conversation %+v", c)
		}
	}
	for id, sb := range f.sandboxes(t) {
		if sb.Status != backend.StatusRunning {
			if len(bySandbox[id]) != 0 {
				t.Errorf("%s is %s but has conversations listed", id, sb.Status)
			}
			continue
		}
		agent := f.agentOf(t, sb)
		want := agent.Conversations()
		if len(bySandbox[id]) != len(want) {
			t.Fatalf("%s: %d conversations listed, the agent-server has %d", id, len(bySandbox[id]), len(want))
		}
		for _, c := range bySandbox[id] {
			status, err := agent.Status(c.ID)
			if err != nil {
				t.Fatalf("%s: %v", c.ID, err)
			}
			if string(c.ExecutionStatus) != status {
				t.Errorf("%s: status %s, the server says %s", c.ID, c.ExecutionStatus, status)
			}
		}
		// One sandbox named: only its conversations.
		if only := conversationsJSON(t, h, id); len(only) != len(want) {
			t.Errorf("convs %s: %d conversations", id, len(only))
		}
	}
}

// events --json prints exactly the server's stored events, in order, each
// as the server wrote it.
func TestEventsJSONIsTheServersEventList(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	c := pick(t, conversationsJSON(t, h), backend.ExecFinished)
	agent := f.agentOf(t, f.sandboxes(t)[c.SandboxID])
	// Enough events for several pages of history.
	if _, err := agent.Generate(c.ID, 260); err != nil {
		t.Fatal(err)
	}
	want, err := agent.Events(c.ID)
	if err != nil {
		t.Fatal(err)
	}
	r := h.must(exitOK, "events", "--json", c.ID[:8])
	lines := strings.Split(strings.TrimSuffix(r.stdout, "\n"), "\n")
	if len(lines) != len(want) {
		t.Fatalf("%d lines, the server stores %d events", len(lines), len(want))
	}
	for i, line := range lines {
		var a, b any
		if err := json.Unmarshal([]byte(line), &a); err != nil {
			t.Fatalf("line %d is not JSON: %v", i+1, err)
		}
		if err := json.Unmarshal(want[i], &b); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("event %d differs:\ngot  %s\nwant %s", i, line, want[i])
		}
	}
	// The human format has a line per event that is not quiet.
	if out := h.must(exitOK, "events", c.ID).stdout; strings.Count(out, "\n") == 0 || strings.Count(out, "\n") > len(want) {
		t.Errorf("human events: %d lines for %d events", strings.Count(out, "\n"), len(want))
	}
	h.must(exitNotFound, "events", "00000000-0000-0000-0000-000000000000")
}

// lockedBuffer is an output a test reads while a command writes it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls cond until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// events -f follows live: a message sent with `ohdash send` arrives, the
// stream survives the server dropping its sockets without a gap or a
// repeat, and an interrupt ends it with exit code 0.
func TestEventsFollowIsGapFreeAndDuplicateFree(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	c := pick(t, conversationsJSON(t, h), backend.ExecFinished)
	agent := f.agentOf(t, f.sandboxes(t)[c.SandboxID])
	ctx, cancel := context.WithCancel(context.Background())
	var out, errb lockedBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"events", "-f", "--json", c.ID}, stdio{
			in: strings.NewReader(""), out: &out, err: &errb,
			getenv: func(k string) string { return h.env[k] }, home: h.home,
		})
	}()
	before, _ := agent.Events(c.ID)
	waitFor(t, 10*time.Second, "the history", func() bool { return strings.Count(out.String(), "\n") >= len(before) })
	waitFor(t, 10*time.Second, "a subscriber", func() bool { return agent.Subscribers(c.ID) > 0 })
	h.stdin = "please fix the flaky test\n"
	h.must(exitOK, "send", c.ID, "-")
	waitFor(t, 10*time.Second, "the message", func() bool { return strings.Contains(out.String(), "please fix the flaky test") })
	if err := agent.DropSockets(c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := agent.Generate(c.ID, 30); err != nil {
		t.Fatal(err)
	}
	want, _ := agent.Events(c.ID)
	waitFor(t, 15*time.Second, "every event after the drop", func() bool { return strings.Count(out.String(), "\n") >= len(want) })
	// A sentinel event written after all of them: once it is printed,
	// every event before it has been delivered, repeats included, since
	// the stream is in log order.
	n, err := agent.Generate(c.ID, 1)
	if err != nil {
		t.Fatal(err)
	}
	all, _ := agent.EventIDs(c.ID)
	sentinel := all[n-1]
	waitFor(t, 15*time.Second, "the sentinel event", func() bool { return strings.Contains(out.String(), sentinel) })
	cancel()
	if code := <-done; code != exitOK {
		t.Fatalf("interrupted events -f exited %d: %s", code, errb.String())
	}
	ids, _ := agent.EventIDs(c.ID)
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var ev struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(line), &ev); err != nil {
			t.Fatalf("not NDJSON: %q", line)
		}
		got = append(got, ev.ID)
	}
	if !reflect.DeepEqual(got, ids[:len(got)]) || len(got) < len(want) {
		t.Fatalf("stream ids differ from the server's log (gap or repeat):\ngot  %d ids\nwant %d ids", len(got), len(ids))
	}
}

// The conversation actions reach the agent-server, are audited, and are
// refused in read-only mode.
func TestConversationActions(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	convs := conversationsJSON(t, h)
	c := pick(t, convs, backend.ExecPaused)
	agent := f.agentOf(t, f.sandboxes(t)[c.SandboxID])
	// A slow agent stays running until told otherwise.
	agent.SetPace(time.Hour)
	wait := func(status string) {
		t.Helper()
		waitFor(t, 10*time.Second, "status "+status, func() bool {
			got, _ := agent.Status(c.ID)
			return got == status
		})
	}

	h.must(exitFailed, "conv", "run", c.ID, "--readonly")
	h.must(exitFailed, "send", c.ID, "hi", "--readonly")
	h.must(exitOK, "conv", "run", c.ID)
	wait("running")
	h.must(exitOK, "conv", "interrupt", c.ID)
	// Another conversation of the same agent-server: a message starts it,
	// pause stops it.
	var q conversationJSON
	for _, x := range convs {
		if x.SandboxID == c.SandboxID && x.ExecutionStatus == backend.ExecFinished {
			q = x
		}
	}
	h.must(exitOK, "send", q.ID, "one more thing")
	waitFor(t, 10*time.Second, "the message to start the agent", func() bool {
		got, _ := agent.Status(q.ID)
		return got == "running"
	})
	h.must(exitOK, "conv", "pause", q.ID)
	waitFor(t, 10*time.Second, "the pause", func() bool {
		got, _ := agent.Status(q.ID)
		return got == "paused"
	})
	waiting := pick(t, convs, backend.ExecWaitingForConfirmation)
	h.must(exitOK, "conv", "reject", waiting.ID, "--reason", "too risky")
	h.must(exitUsage, "conv", "rm", c.ID) // no terminal, no --yes
	if r := h.must(exitOK, "conv", "rm", "--dry-run", c.ID); !strings.HasPrefix(r.stdout, "would delete conversation "+c.ID) {
		t.Fatalf("dry run said %q", r.stdout)
	}
	if _, err := agent.Status(c.ID); err != nil {
		t.Fatal("conv rm --dry-run deleted the conversation")
	}
	h.must(exitOK, "conv", "rm", "--yes", c.ID)
	if _, err := agent.Status(c.ID); err == nil {
		t.Fatal("conversation still there after conv rm")
	}
	h.must(exitNotFound, "conv", "run", c.ID)
	var actions []string
	for _, e := range readAudit(t, h.auditPath()) {
		actions = append(actions, e.Action+":"+e.Result)
		if e.Sandbox == "" || e.Backend != "eval" {
			t.Errorf("entry without sandbox/backend: %+v", e)
		}
	}
	want := []string{
		guard.ConversationRun + ":refused", guard.ConversationSend + ":refused",
		guard.ConversationRun + ":ok", guard.ConversationInterrupt + ":ok",
		guard.ConversationSend + ":ok", guard.ConversationPause + ":ok",
		guard.ConversationReject + ":ok", guard.ConversationDelete + ":ok",
	}
	if !reflect.DeepEqual(actions, want) {
		t.Fatalf("audit:\ngot  %v\nwant %v", actions, want)
	}
}

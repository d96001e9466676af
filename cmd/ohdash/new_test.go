package main

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/appserver"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// newPace is the start tasks' step in these tests: slow enough that every
// status is seen by a 500 ms poll at least sometimes, fast enough to stay
// well under a second or two per start.
const newPace = 30 * time.Millisecond

// progressStatuses returns the statuses `new` reported on stderr, in order.
func progressStatuses(stderr string) []string {
	var out []string
	for _, line := range strings.Split(stderr, "\n") {
		_, rest, ok := strings.Cut(line, ": new conversation: ")
		if !ok {
			continue
		}
		st, _, _ := strings.Cut(rest, " ")
		out = append(out, st)
	}
	return out
}

// `ohdash new` posts the conversation, shows the start task moving on
// stderr from WORKING to READY, prints the conversation's id, which
// `convs` then lists on its new sandbox, and audits intent and outcome.
func TestNewStartsAConversationAndReportsProgress(t *testing.T) {
	h := newHarness(t)
	s := startAppServerWith(t, h, appserver.Config{StepDelay: newPace}, appserver.SeedOptions{})
	r := h.must(exitOK, "new", "--repo", "acme/widgets", "--branch", "main", "--model", "openai/gpt-5", "Fix the failing test")
	id := strings.TrimSpace(r.stdout)
	if _, err := backend.ParseConversationID(id); err != nil {
		t.Fatalf("stdout %q is not a conversation id", r.stdout)
	}
	st := progressStatuses(r.stderr)
	if len(st) < 2 || st[0] != "WORKING" || st[len(st)-1] != "READY" {
		t.Fatalf("progress %v, want WORKING … READY\n%s", st, r.stderr)
	}
	if s.Count(appserver.RouteConvStart) != 1 {
		t.Fatalf("%d POST /app-conversations, want 1", s.Count(appserver.RouteConvStart))
	}
	var convs []conversationJSON
	if err := json.Unmarshal([]byte(h.must(exitOK, "convs", "--json").stdout), &convs); err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(convs, func(c conversationJSON) bool { return c.ID == id })
	if i < 0 || convs[i].Backend != "cloud" || convs[i].Model != "openai/gpt-5" {
		t.Fatalf("convs does not list %s as started: %+v", id, convs)
	}
	entries := readAudit(t, h.auditPath())
	if len(entries) != 1 || entries[0].Action != guard.ConversationNew || entries[0].Result != guard.ResultOK ||
		entries[0].Target != id || !strings.Contains(entries[0].Detail, "repo acme/widgets") {
		t.Fatalf("audit %+v", entries)
	}
	if strings.Contains(r.stderr+r.stdout, appServerKey) {
		t.Fatal("API key in output")
	}
}

// TEXT "-" reads the message from stdin, and --json prints an object.
func TestNewReadsStdinAndPrintsJSON(t *testing.T) {
	h := newHarness(t)
	startAppServerWith(t, h, appserver.Config{StepDelay: time.Millisecond}, appserver.SeedOptions{})
	h.stdin = "Explain the flaky test\n"
	r := h.must(exitOK, "new", "--json", "-")
	var got newConvJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	if got.Status != "READY" || got.Backend != "cloud" || got.SandboxID == "" || got.StartTaskID == "" {
		t.Fatalf("%+v", got)
	}
	if _, err := backend.ParseConversationID(got.ID); err != nil {
		t.Fatalf("id %q: %v", got.ID, err)
	}
	h.stdin = "  \n"
	h.must(exitUsage, "new", "-")
}

// A start task ending in ERROR exits 1 with the app-server's reason,
// sanitised (no escape) and masked (no token), in the error and in the
// audit log alike.
func TestNewErrorTaskExitsOneSanitised(t *testing.T) {
	h := newHarness(t)
	s := startAppServerWith(t, h, appserver.Config{StepDelay: time.Millisecond}, appserver.SeedOptions{})
	const token = "ghp_0123456789abcdefghijABCDEFGHIJ012345"
	s.FailRepository("acme/private", "\x1b[31mclone failed\x1b[0m: https://x-access-token:"+token+"@github.com/acme/private denied\x07")
	r := h.must(exitFailed, "new", "--repo", "acme/private", "work on it")
	if !strings.Contains(r.stderr, "conversation did not start") || !strings.Contains(r.stderr, "clone failed") {
		t.Fatalf("stderr %q", r.stderr)
	}
	if st := progressStatuses(r.stderr); len(st) == 0 || st[len(st)-1] != "ERROR" {
		t.Fatalf("progress %v", st)
	}
	raw, err := os.ReadFile(h.auditPath())
	if err != nil {
		t.Fatal(err)
	}
	audit := string(raw)
	for what, out := range map[string]string{"stdout": r.stdout, "stderr": r.stderr, "audit log": audit} {
		if strings.ContainsAny(out, "\x1b\x07") || strings.Contains(out, `\u001b`) || strings.Contains(out, token) {
			t.Errorf("%s carries an escape or the token: %q", what, out)
		}
	}
	entries := readAudit(t, h.auditPath())
	if len(entries) != 1 || entries[0].Result != guard.ResultError || !strings.HasPrefix(entries[0].Target, "start task ") {
		t.Fatalf("audit %+v", entries)
	}
}

// Read-only mode refuses `new` before anything reaches the app-server,
// and the refusal is audited.
func TestNewReadOnlyRefusedAndAudited(t *testing.T) {
	h := newHarness(t)
	s := startAppServer(t, h, appserver.SeedOptions{})
	r := h.must(exitFailed, "new", "--readonly", "hello")
	if !strings.Contains(r.stderr, "read-only") && !strings.Contains(r.stderr, "changes are disabled") {
		t.Fatalf("stderr %q", r.stderr)
	}
	if n := s.Count(appserver.RouteConvStart); n != 0 {
		t.Fatalf("%d starts reached the app-server in read-only mode", n)
	}
	entries := readAudit(t, h.auditPath())
	if len(entries) != 1 || entries[0].Action != guard.ConversationNew || entries[0].Result != guard.ResultRefused {
		t.Fatalf("audit %+v", entries)
	}
}

// Without an app-server there is nothing to start on: a usage error
// saying how to add one; --backend naming another kind says so.
func TestNewNeedsAnAppServer(t *testing.T) {
	h := newHarness(t)
	startFleet(t, h, 1)
	r := h.must(exitUsage, "new", "hello")
	if !strings.Contains(r.stderr, "[[openhands]]") {
		t.Fatalf("stderr %q", r.stderr)
	}
	r = h.must(exitUsage, "new", "--backend", "eval", "hello")
	if !strings.Contains(r.stderr, `"eval" is not an OpenHands app-server`) {
		t.Fatalf("stderr %q", r.stderr)
	}
}

// --follow prints the new conversation's events after its id, live: the
// agent's answer to the first message shows up.
func TestNewFollowPrintsEvents(t *testing.T) {
	h := newHarness(t)
	startAppServerWith(t, h, appserver.Config{StepDelay: time.Millisecond}, appserver.SeedOptions{})
	var out, errb syncBuffer
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"new", "-f", "say hello"}, stdio{
			in: strings.NewReader(""), out: &out, err: &errb,
			getenv: func(k string) string { return h.env[k] }, home: h.home,
		})
	}()
	waitText(t, &out, "say hello", 15*time.Second)
	cancel()
	if code := <-done; code != exitOK && code != exitInterrupted {
		t.Fatalf("new -f exited %d: %s", code, errb.String())
	}
	id, _, _ := strings.Cut(out.String(), "\n")
	if _, err := backend.ParseConversationID(id); err != nil {
		t.Fatalf("first line %q is not the conversation id", id)
	}
}

// Ctrl-C while the start task is under way: exit 130, a note naming the
// start task that keeps running on the app-server, and an "interrupted"
// outcome paired with its intent.
func TestFaultInterruptedNewSaysWhatMayBeCreated(t *testing.T) {
	h := newHarness(t)
	s := startAppServerWith(t, h, appserver.Config{StepDelay: time.Minute}, appserver.SeedOptions{})
	cmd, errb := h.background(t, "new", "hello")
	deadline := time.Now().Add(20 * time.Second)
	for s.Count(appserver.RouteTaskBatch) < 1 {
		if time.Now().After(deadline) {
			t.Fatalf("the start task was never read; stderr %s", errb)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("new after SIGINT: %v, want exit %d\n%s", err, exitInterrupted, errb)
	}
	if !strings.Contains(errb.String(), "keeps running and may still create a conversation") || !strings.Contains(errb.String(), "ohdash convs") {
		t.Fatalf("stderr %q", errb)
	}
	entries := readAudit(t, h.auditPath())
	if len(entries) != 1 || entries[0].Result != guard.ResultInterrupted || !strings.HasPrefix(entries[0].Target, "start task ") {
		t.Fatalf("audit %+v, want one interrupted start naming its task", entries)
	}
}

// --sandbox takes a suffix or prefix like every SANDBOX argument, and the
// conversation starts in that sandbox instead of a new one.
func TestNewInAnExistingSandbox(t *testing.T) {
	h := newHarness(t)
	s := startAppServerWith(t, h, appserver.Config{StepDelay: time.Millisecond}, appserver.SeedOptions{Sandboxes: 2})
	target := s.SandboxIDs()[1]
	r := h.must(exitOK, "new", "--json", "--sandbox", target[len(target)-8:], "hello")
	var got newConvJSON
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatal(err)
	}
	if got.SandboxID != target || len(s.SandboxIDs()) != 2 {
		t.Fatalf("started in %s (sandboxes %v), want %s", got.SandboxID, s.SandboxIDs(), target)
	}
}

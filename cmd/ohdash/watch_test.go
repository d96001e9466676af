package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/backend/fake"
)

// scriptedConvs answers fleet listings with whatever the test set last:
// one conversation in a status, or a failure.
type scriptedConvs struct {
	mu     sync.Mutex
	status backend.ExecutionStatus
	err    error
	calls  int
}

func (s *scriptedConvs) set(st backend.ExecutionStatus, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.status, s.err = st, err
}

func (s *scriptedConvs) count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *scriptedConvs) AllConversations(_ context.Context, sbs []backend.Sandbox) []backend.SandboxConversations {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls++
	var out []backend.SandboxConversations
	for _, sb := range sbs {
		r := backend.SandboxConversations{Sandbox: sb, Err: s.err}
		if s.err == nil {
			r.Conversations = []backend.Conversation{{ID: "c1", SandboxID: sb.ID, Source: sb.Source, Status: s.status, Title: "job"}}
		}
		out = append(out, r)
	}
	return out
}

// waitCalls waits for n more listings than now.
func (s *scriptedConvs) waitCalls(t *testing.T, n int) {
	t.Helper()
	want := s.count() + n
	waitFor(t, 5*time.Second, "listings", func() bool { return s.count() >= want })
}

// watch against a fake backend and a scripted conversation service: the
// changes made while the sandbox connection or a listing was failing are
// printed once afterwards; nothing repeats; a reader that does not read
// holds the watcher up instead of losing lines.
func TestWatchChangesAcrossOutagesWithoutRepeats(t *testing.T) {
	run := backend.Sandbox{ID: "oh-agent-server-a", Status: backend.StatusRunning, Health: backend.Health{State: backend.HealthOK}}
	fb := fake.New("docker", run)
	convs := &scriptedConvs{status: backend.ExecRunning}
	pr, pw := io.Pipe()
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	started := make(chan struct{})
	go func() {
		done <- watchChanges(ctx, backend.NewHub(fb), convs, &changeWriter{w: pw, json: true}, 20*time.Millisecond,
			func(int, int, int) { close(started) })
	}()
	<-started
	lines := make(chan alert.Alert, 10)
	// The test reads nothing yet: the first change waits in the pipe.
	convs.set(backend.ExecWaitingForConfirmation, nil)
	convs.waitCalls(t, 1)
	blocked := convs.count()
	time.Sleep(200 * time.Millisecond)
	if convs.count() > blocked+1 {
		t.Fatalf("the watcher went on listing (%d → %d) with its output unread", blocked, convs.count())
	}
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			var a alert.Alert
			if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
				t.Errorf("%v: %s", err, sc.Text())
			}
			lines <- a
		}
	}()
	next := func(want alert.Kind) {
		t.Helper()
		select {
		case a := <-lines:
			if a.Kind != want {
				t.Fatalf("got %+v, want %s", a, want)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("no %s line", want)
		}
	}
	next(alert.ConvWaiting)

	// The listing fails while the conversation finishes; it answers again.
	convs.set("", backend.ErrUnavailable)
	convs.waitCalls(t, 2)
	convs.set(backend.ExecFinished, backend.ErrUnavailable)
	convs.waitCalls(t, 2)
	convs.set(backend.ExecFinished, nil)
	next(alert.ConvFinished)

	// The engine connection drops; the sandbox exits meanwhile; a stale
	// snapshot says nothing; the live one after the reconnect does, once.
	fb.SetConn(backend.ConnState{Phase: backend.ConnReconnecting})
	exited := run
	exited.Status, exited.RawState, exited.StatusDetail = backend.StatusPaused, "exited", "exited (code 137)"
	fb.SetSandboxes(exited)
	select {
	case a := <-lines:
		t.Fatalf("a stale snapshot raised %+v", a)
	case <-time.After(150 * time.Millisecond):
	}
	fb.SetConn(backend.ConnState{Phase: backend.ConnLive})
	next(alert.SandboxDied)
	fb.SetConn(backend.ConnState{Phase: backend.ConnReconnecting})
	fb.SetConn(backend.ConnState{Phase: backend.ConnLive})
	select {
	case a := <-lines:
		t.Fatalf("repeated: %+v", a)
	case <-time.After(200 * time.Millisecond):
	}
	cancel()
	if err := <-done; !errors.Is(err, errInterrupted) {
		t.Fatalf("watch ended with %v, want interrupted", err)
	}
	if exitCode(errInterrupted) != exitInterrupted {
		t.Fatal("interrupted is not exit 130")
	}
}

// Planted escapes and a session key in every field of a change: watch's
// JSON and plain lines carry neither.
func TestFaultWatchOutput(t *testing.T) {
	const key = "sk-oh-PLANTEDwatchKEY0123456789abcdef"
	backend.RememberSecret(key)
	evil := "\x1b]52;c;SGVsbG8=\a\x1b[2J\u009b31m\u202eevil\x07\x1b\\" + key
	a := alert.Alert{
		Time: time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC), Kind: alert.ConvWaiting, Backend: "docker" + evil,
		Sandbox: "sb" + evil, Conversation: "c" + evil, From: "running" + evil, To: "waiting_for_confirmation", Title: "title" + evil,
	}
	for _, asJSON := range []bool{true, false} {
		var b strings.Builder
		if err := (&changeWriter{w: &b, json: asJSON}).write([]alert.Alert{a}); err != nil {
			t.Fatal(err)
		}
		out := []output{{path: "watch output", data: []byte(b.String())}}
		checkTerminalSafe(t, out)
		checkNoLeaks(t, out, []string{key})
		if strings.Count(b.String(), "\n") != 1 || !strings.Contains(b.String(), "title") {
			t.Errorf("json=%v: %q", asJSON, b.String())
		}
		if asJSON {
			var back map[string]any
			if err := json.Unmarshal([]byte(b.String()), &back); err != nil || back["kind"] != "waiting_for_confirmation" {
				t.Errorf("not the JSON of the change: %v %q", err, b.String())
			}
		}
	}
}

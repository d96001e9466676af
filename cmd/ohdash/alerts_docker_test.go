package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// plantedTitle is a conversation title carrying escapes, a C1 control, a
// bidi override and the sandbox's session key.
const plantedTitle = "fix\x1b]52;c;SGVsbG8=\a\x1b[2J\u009b31m\u202e the bug " + dockerSessionKey + "\x07\x1b\\ now"

// alertSandbox runs an agent-server that asks for confirmation before
// every action, with one idle conversation titled plantedTitle; it
// returns the sandbox's name and the conversation's id.
func alertSandbox(t *testing.T, h *harness, e *dockertest.Env) (name, convID string) {
	t.Helper()
	_, name = e.Run(t, dockertest.RunOptions{Ports: []int{8000}, Env: map[string]string{
		"OH_SESSION_API_KEYS_0": dockerSessionKey, "AGENTSIM_CONFIRMATION": "AlwaysConfirm", "AGENTSIM_PACE": "50ms",
	}})
	row := waitHealthy(t, h, name)
	body, _ := json.Marshal(map[string]any{"title": plantedTitle, "confirmation": "AlwaysConfirm"})
	req, _ := http.NewRequest(http.MethodPost, row.ExposedURLs[0].URL+"/_sim/conversations", bytes.NewReader(body))
	req.Header.Set("X-Session-API-Key", dockerSessionKey)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var seeded struct {
		ID string `json:"id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&seeded); err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("seed: %d %v", resp.StatusCode, err)
	}
	return name, seeded.ID
}

// watchProc is a running `ohdash watch`, its stdout collected line by line.
type watchProc struct {
	cmd    *exec.Cmd
	mu     sync.Mutex
	lines  []string
	raw    bytes.Buffer
	stderr *bytes.Buffer
	done   chan struct{}
}

func startWatch(t *testing.T, h *harness, args ...string) *watchProc {
	t.Helper()
	cmd := exec.Command(buildOhdash(t), append([]string{"watch"}, args...)...)
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	w := &watchProc{cmd: cmd, stderr: &bytes.Buffer{}, done: make(chan struct{})}
	pr, pw := io.Pipe()
	cmd.Stderr = pw
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); <-w.done })
	go func() {
		defer close(w.done)
		br := bufio.NewReader(stdout)
		for {
			line, err := br.ReadString('\n')
			w.mu.Lock()
			w.raw.WriteString(line)
			if strings.HasSuffix(line, "\n") {
				w.lines = append(w.lines, strings.TrimSuffix(line, "\n"))
			}
			w.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	started := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			w.mu.Lock()
			w.stderr.WriteString(sc.Text() + "\n")
			w.mu.Unlock()
			if strings.Contains(sc.Text(), "changes follow") {
				once.Do(func() { close(started) })
			}
		}
	}()
	select {
	case <-started:
	case <-time.After(60 * time.Second):
		t.Fatalf("watch did not start: %s", w.stderrText())
	}
	return w
}

func (w *watchProc) stderrText() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.stderr.String()
}

func (w *watchProc) snapshot() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.lines...)
}

func (w *watchProc) waitLines(t *testing.T, n int, what string) []string {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for len(w.snapshot()) < n {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s; stdout:\n%s\nstderr:\n%s", what, strings.Join(w.snapshot(), "\n"), w.stderrText())
		}
		time.Sleep(20 * time.Millisecond)
	}
	return w.snapshot()
}

// interrupt sends SIGINT and returns the exit code.
func (w *watchProc) interrupt(t *testing.T) int {
	t.Helper()
	if err := w.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	<-w.done
	err := w.cmd.Wait()
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		return ee.ExitCode()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0
}

// `ohdash watch` against the real engine behind a proxy: a conversation
// that goes to waiting_for_confirmation is one line; a sandbox stopped
// while the engine connection is cut is one line once the connection is
// back; nothing repeats across the reconnect and the refreshes after it;
// SIGINT exits 130. JSON and plain mode both, the planted title clean.
func TestDockerWatchAcrossEngineReconnect(t *testing.T) {
	h, e := dockerHarness(t)
	proxy := dockertest.NewProxy(t)
	t.Cleanup(proxy.Thaw)
	h.env["DOCKER_HOST"] = proxy.Host()
	name, convID := alertSandbox(t, h, e)
	_, victim := e.Run(t, dockertest.RunOptions{})
	waitFor(t, 30*time.Second, victim+" running", func() bool { return lsJSON(t, h)[victim].Status == "RUNNING" })

	js := startWatch(t, h, "--json")
	plain := startWatch(t, h)
	h.must(exitOK, "send", convID, "run the tests")
	got := js.waitLines(t, 1, "the waiting_for_confirmation change")
	var first alert.Alert
	if err := json.Unmarshal([]byte(got[0]), &first); err != nil {
		t.Fatalf("%v: %s", err, got[0])
	}
	if first.Kind != alert.ConvWaiting || first.Conversation != convID || first.Sandbox != name || first.Backend != "local" || first.To != "waiting_for_confirmation" {
		t.Fatalf("first change: %+v", first)
	}

	// The engine goes away; the victim stops meanwhile; the engine returns.
	proxy.Close()
	secs := 1
	if _, err := e.Client.ContainerStop(t.Context(), victim, stopOpts(secs)); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2 * time.Second)
	if err := proxy.Open(); err != nil {
		t.Fatal(err)
	}
	got = js.waitLines(t, 2, "the stop made during the outage")
	var second alert.Alert
	if err := json.Unmarshal([]byte(got[1]), &second); err != nil {
		t.Fatalf("%v: %s", err, got[1])
	}
	if second.Sandbox != victim || (second.Kind != alert.SandboxStopped && second.Kind != alert.SandboxDied) || second.From != "RUNNING" || second.To != "PAUSED" {
		t.Fatalf("second change: %+v", second)
	}
	plain.waitLines(t, 2, "plain lines")
	// Two conversation refreshes and the engine's relist later: nothing new.
	time.Sleep(12 * time.Second)
	for _, w := range []*watchProc{js, plain} {
		if n := len(w.snapshot()); n != 2 {
			t.Errorf("%d changes printed, want 2:\n%s", n, strings.Join(w.snapshot(), "\n"))
		}
		if code := w.interrupt(t); code != exitInterrupted {
			t.Errorf("watch after SIGINT: exit %d, want 130\n%s", code, w.stderrText())
		}
		out := []output{{path: "watch stdout", data: w.raw.Bytes()}, {path: "watch stderr", data: []byte(w.stderrText())}}
		checkNoLeaks(t, out, []string{dockerSessionKey})
		checkTerminalSafe(t, out)
	}
	pl := plain.snapshot()
	if !strings.Contains(pl[0], "waiting_for_confirmation") || !strings.Contains(pl[0], "the bug") || !strings.Contains(pl[1], victim) {
		t.Errorf("plain lines:\n%s", strings.Join(pl, "\n"))
	}
	if !strings.Contains(first.Title, "the bug") || !strings.Contains(first.Title, "••••") {
		t.Errorf("title not cleaned and masked: %q", first.Title)
	}
}

func stopOpts(secs int) client.ContainerStopOptions {
	return client.ContainerStopOptions{Timeout: &secs}
}

package main

import (
	"bytes"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// syncBuffer is a bytes.Buffer a process may write while a test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitText waits until the buffer holds want.
func waitText(t *testing.T, b *syncBuffer, want string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !strings.Contains(b.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q within %s; stderr:\n%s", want, within, b.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// `ohdash logs -f` on a quiet container whose engine freezes (connections
// open, nothing answered) says so on stderr within seconds, says when it
// resumes, and still ends normally on Ctrl-C.
func TestFaultLogsFollowReportsAFrozenEngine(t *testing.T) {
	h, e := dockerHarness(t)
	proxy := dockertest.NewProxy(t)
	t.Cleanup(proxy.Thaw) // before the proxy closes: let held calls end
	h.env["DOCKER_HOST"] = proxy.Host()
	_, name := e.Run(t, dockertest.RunOptions{})
	cmd := exec.Command(buildOhdash(t), "logs", "-f", name)
	cmd.Env = []string{"HOME=" + h.home}
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errb syncBuffer
	var outb syncBuffer
	cmd.Stdout, cmd.Stderr = &outb, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	deadline := time.Now().Add(20 * time.Second)
	for proxy.Count("GET", `^/containers/[^/]+/logs$`) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("logs -f never attached; stderr:\n%s", errb.String())
		}
		time.Sleep(20 * time.Millisecond)
	}

	proxy.Freeze()
	frozeAt := time.Now()
	waitText(t, &errb, "log stream of "+name+" stalled: ", 12*time.Second)
	t.Logf("stall reported after %s: %s", time.Since(frozeAt).Round(100*time.Millisecond), strings.TrimSpace(errb.String()))
	if !strings.Contains(errb.String(), "the engine has not answered for ") {
		t.Errorf("the notice does not say for how long: %s", errb.String())
	}
	proxy.Thaw()
	waitText(t, &errb, "log stream of "+name+" resumed", 15*time.Second)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("logs -f after SIGINT: %v\n%s", err, errb.String())
	}
}

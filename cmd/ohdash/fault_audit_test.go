package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// background starts the built binary with the harness's environment and
// returns it running, with its stderr collected.
func (h *harness) background(t *testing.T, args ...string) (*exec.Cmd, *bytes.Buffer) {
	t.Helper()
	cmd := exec.Command(buildOhdash(t), args...)
	cmd.Env = []string{"HOME=" + h.home, "PATH=" + os.Getenv("PATH")}
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &bytes.Buffer{}, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	return cmd, &errb
}

// waitCount waits until the runtime API has seen n requests on route.
func waitCount(t *testing.T, sim *runtimeapi.Sim, route string, n int64) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for sim.Count(route) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%s reached the API %d times, want %d", route, sim.Count(route), n)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A start SIGKILLed while the runtime API is still answering cannot write
// its outcome, but every POST /start that reached the API has an intent
// line in the audit log.
func TestFaultAuditIntentSurvivesSIGKILL(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 1)
	f.Sim.SetFaults(runtimeapi.Faults{Latency: time.Minute, Routes: []string{runtimeapi.RouteStart}})
	const runs = 3
	for i := range runs {
		cmd, _ := h.background(t, "start")
		waitCount(t, f.Sim, runtimeapi.RouteStart, int64(i+1))
		if err := cmd.Process.Kill(); err != nil {
			t.Fatal(err)
		}
		_ = cmd.Wait()
	}
	intents := 0
	for _, e := range readAuditLines(t, h.auditPath()) {
		if e.Action == guard.SandboxStart && e.Result == guard.ResultIntent && e.Backend == "eval" && e.OpID != "" {
			intents++
		}
	}
	if reached := f.Sim.Count(runtimeapi.RouteStart); int64(intents) < reached {
		t.Fatalf("%d POST /start reached the API, %d intent lines in the audit log", reached, intents)
	}
}

// Ctrl-C during a start: exit 130, a note on stderr that the sandbox may
// exist (naming it), and an "interrupted" outcome paired with its intent.
func TestFaultInterruptedStartSaysWhatHappened(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 1)
	f.Sim.SetFaults(runtimeapi.Faults{Latency: time.Minute, Routes: []string{runtimeapi.RouteStart}})
	cmd, errb := h.background(t, "start")
	waitCount(t, f.Sim, runtimeapi.RouteStart, 1)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	err := cmd.Wait()
	var ee *exec.ExitError
	if !errors.As(err, &ee) || ee.ExitCode() != exitInterrupted {
		t.Fatalf("start after SIGINT: %v, want exit %d\n%s", err, exitInterrupted, errb)
	}
	entries := readAudit(t, h.auditPath())
	if len(entries) != 1 || entries[0].Result != guard.ResultInterrupted || entries[0].Target == "" {
		t.Fatalf("audit %+v, want one interrupted start naming its sandbox", entries)
	}
	want := "interrupted: the start may have created sandbox " + entries[0].Target + " on eval; check with 'ohdash ls'"
	if !strings.Contains(errb.String(), want) {
		t.Fatalf("stderr %q, want %q", errb, want)
	}
}

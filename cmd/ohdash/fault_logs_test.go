package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// The fault suite's slow readers on `ohdash logs`: the real binary writes
// into a real pipe that the test does not read for seconds while the
// container's log grows, then reads it all. A command-line stream applies
// backpressure like `docker logs`: every line arrives, once, in order.

// slowReaderStall is how long the reader leaves the pipe alone: far longer
// than the engine needs to send everything (a lossy stream drops then).
const slowReaderStall = 3 * time.Second

// logsProc is `ohdash logs …` running with its stdout into a pipe that
// only the test reads, when it wants to.
type logsProc struct {
	cmd   *exec.Cmd
	lines chan string // the pipe's lines, read only on demand
	errb  *lockedBuffer
}

// startLogsProc starts the built binary. Nothing reads the pipe until
// next is called: the process blocks once the pipe's buffer is full.
func startLogsProc(t *testing.T, h *harness, args ...string) *logsProc {
	t.Helper()
	pr, pw, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(buildOhdash(t), args...)
	cmd.Env = []string{"HOME=" + h.home, "PATH=" + os.Getenv("PATH")}
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	p := &logsProc{cmd: cmd, lines: make(chan string), errb: &lockedBuffer{}}
	cmd.Stdout, cmd.Stderr = pw, p.errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	_ = pw.Close() // the child has its own copy
	go func() {
		defer close(p.lines)
		defer pr.Close()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			p.lines <- sc.Text() // unbuffered: a line is read off the pipe only when taken
		}
	}()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		for range p.lines {
		}
		_ = cmd.Wait()
	})
	return p
}

// next takes up to n lines, ending early when the pipe closes or no line
// came for idle (the stream stopped delivering).
func (p *logsProc) next(n int, idle time.Duration) []string {
	var out []string
	timer := time.NewTimer(idle)
	defer timer.Stop()
	for len(out) < n {
		select {
		case l, ok := <-p.lines:
			if !ok {
				return out
			}
			out = append(out, l)
			timer.Reset(idle)
		case <-timer.C:
			return out
		}
	}
	return out
}

// wait waits for the process to exit and returns its exit code.
func (p *logsProc) wait(t *testing.T) int {
	t.Helper()
	err := p.cmd.Wait()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0
}

// numberedLine parses agentsim's "line 00000042 boot <nanos> ...".
func numberedLine(t *testing.T, l string) (n int, boot string) {
	t.Helper()
	var b int64
	if _, err := fmt.Sscanf(l, "line %d boot %d", &n, &b); err != nil {
		t.Fatalf("not a numbered line: %.80q", l)
	}
	return n, fmt.Sprint(b)
}

// checkSequence fails unless lines are, in order, numbers from..to of
// one boot, skipping those skip says are elsewhere; it returns the boot.
func checkSequence(t *testing.T, what string, lines []string, from, to int, skip func(int) bool) string {
	t.Helper()
	var want []int
	for i := from; i <= to; i++ {
		if skip == nil || !skip(i) {
			want = append(want, i)
		}
	}
	if len(lines) != len(want) {
		first, last := "-", "-"
		if len(lines) > 0 {
			first, last = lines[0], lines[len(lines)-1]
		}
		t.Fatalf("%s: %d lines, want exactly %d (first %.30q, last %.30q)", what, len(lines), len(want), first, last)
	}
	boot := ""
	for i, l := range lines {
		n, b := numberedLine(t, l)
		if i == 0 {
			boot = b
		}
		if n != want[i] || b != boot {
			t.Fatalf("%s: line %d is number %d of boot %s, want %d of boot %s: a gap, a repeat or a reordering", what, i+1, n, b, want[i], boot)
		}
	}
	return boot
}

// engineLineCount counts the lines of the container's log, both streams,
// straight from the engine.
func engineLineCount(t *testing.T, e *dockertest.Env, id string) int {
	t.Helper()
	o, eb := containerLines(t, e, id)
	return len(o) + len(eb)
}

// lastEngineLine returns the newest line of the container's stdout.
func lastEngineLine(t *testing.T, e *dockertest.Env, id string) string {
	t.Helper()
	rc, err := e.Client.ContainerLogs(context.Background(), id, client.ContainerLogsOptions{ShowStdout: true, Tail: "1"})
	if err != nil {
		// Podman can fail to read its own log file while a line is half
		// written ("is not a valid container log line"): ask again.
		t.Logf("last log line: %v", err)
		return ""
	}
	defer rc.Close()
	var sb strings.Builder
	if _, err := stdcopy.StdCopy(&sb, &sb, rc); err != nil {
		t.Logf("last log line: %v", err)
		return ""
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

// `ohdash logs C | (sleep 3; cat)` on a 60,000-line container: every line
// of both streams, in order, exit 0 (the old ring lost two thirds of them
// and said so only on stderr).
func TestFaultLogsSlowReader(t *testing.T) {
	const n = 60000
	h, e := dockerHarness(t)
	id, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{
		"AGENTSIM_LOG_LINES": fmt.Sprint(n), "AGENTSIM_LOG_STDERR_EVERY": "10",
	}})
	waitFor(t, time.Minute, "the container's lines", func() bool { return engineLineCount(t, e, id) >= n })
	p := startLogsProc(t, h, "logs", name)
	time.Sleep(slowReaderStall) // the fault: nobody reads
	out := p.next(n, 30*time.Second)
	if code := p.wait(t); code != exitOK {
		t.Fatalf("exit %d\n%s", code, p.errb.String())
	}
	onStderr := func(i int) bool { return i%10 == 0 }
	checkSequence(t, "stdout", out, 1, n, onStderr)
	var errLines []string
	for l := range strings.SplitSeq(strings.TrimSuffix(p.errb.String(), "\n"), "\n") {
		if strings.HasPrefix(l, "line ") {
			errLines = append(errLines, l)
		} else if l != "" {
			t.Errorf("stderr says %q", l)
		}
	}
	checkSequence(t, "stderr", errLines, 1, n, func(i int) bool { return !onStderr(i) })
}

// `ohdash logs -f` behind a stalled reader while the container restarts
// and writes a second run's lines: both runs arrive whole and in order,
// and an interrupt still ends it with exit 0.
func TestFaultLogsFollowSlowReader(t *testing.T) {
	const n = 20000
	h, e := dockerHarness(t)
	id, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_LOG_LINES": fmt.Sprint(n)}})
	want := fmt.Sprintf("line %08d ", n)
	var firstLast string
	waitFor(t, time.Minute, "the first run's lines", func() bool {
		firstLast = lastEngineLine(t, e, id)
		return strings.HasPrefix(firstLast, want)
	})
	p := startLogsProc(t, h, "logs", "-f", name)
	head := p.next(10, 30*time.Second) // attached and streaming
	// The fault: the reader stalls while the container restarts and
	// writes its second run.
	secs := 1
	if _, err := e.Client.ContainerRestart(context.Background(), id, client.ContainerRestartOptions{Timeout: &secs}); err != nil {
		t.Fatal(err)
	}
	waitFor(t, time.Minute, "the second run's lines", func() bool {
		l := lastEngineLine(t, e, id)
		return strings.HasPrefix(l, want) && l != firstLast
	})
	time.Sleep(slowReaderStall)
	rest := p.next(2*n-len(head), 10*time.Second)
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	extra := p.next(1, 2*time.Second)
	if code := p.wait(t); code != exitOK {
		t.Fatalf("logs -f after SIGINT: exit %d\n%s", code, p.errb.String())
	}
	all := append(head, rest...)
	if len(extra) > 0 {
		t.Fatalf("a line after both runs: %.60q", extra[0])
	}
	if len(all) < n {
		t.Fatalf("%d lines, want %d of the first run and %d of the second\n%s", len(all), n, n, p.errb.String())
	}
	b1 := checkSequence(t, "first run", all[:n], 1, n, nil)
	b2 := checkSequence(t, "second run", all[n:], 1, n, nil)
	if b1 == b2 {
		t.Fatalf("both runs have boot %s", b1)
	}
	if strings.Contains(p.errb.String(), "dropped") || strings.Contains(p.errb.String(), "lost") {
		t.Fatalf("stderr: %s", p.errb.String())
	}
}

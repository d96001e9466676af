package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/backend/sanitize"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

const dockerSessionKey = "sk-docker-test-session-0123456789"

// dockerHarness is a harness whose only backend is the test's corner of
// the real Docker engine: containers named with the test's own prefixes.
func dockerHarness(t *testing.T) (*harness, *dockertest.Env) {
	t.Helper()
	e := dockertest.New(t)
	h := newHarness(t)
	for _, k := range []string{"DOCKER_HOST", "DOCKER_CONTEXT", "DOCKER_CONFIG", "DOCKER_TLS_VERIFY", "DOCKER_CERT_PATH"} {
		if v := os.Getenv(k); v != "" {
			h.env[k] = v
		}
	}
	h.writeConfig(`[[docker]]
name = "local"
v1_prefixes = ["` + e.V1Prefix + `"]
v0_prefixes = ["` + e.V0Prefix + `"]
`)
	return h, e
}

// lsJSON runs ls --json and indexes the rows by id.
func lsJSON(t *testing.T, h *harness, args ...string) map[string]sandboxJSON {
	t.Helper()
	r := h.must(exitOK, append([]string{"ls", "--json"}, args...)...)
	var rows []sandboxJSON
	if err := json.Unmarshal([]byte(r.stdout), &rows); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	out := map[string]sandboxJSON{}
	for _, row := range rows {
		out[row.ID] = row
	}
	return out
}

// waitHealthy polls ls until the sandbox's agent-server answers.
func waitHealthy(t *testing.T, h *harness, name string) sandboxJSON {
	t.Helper()
	var row sandboxJSON
	waitFor(t, 30*time.Second, name+" to be healthy", func() bool {
		row = lsJSON(t, h, "--show-secrets")[name]
		return row.Health == "ok"
	})
	return row
}

func TestDockerLsJSON(t *testing.T) {
	h, e := dockerHarness(t)
	_, running := e.Run(t, dockertest.RunOptions{Ports: []int{8000}, Env: map[string]string{"OH_SESSION_API_KEYS_0": dockerSessionKey}})
	pausedID, paused := e.Run(t, dockertest.RunOptions{Ports: []int{8000}})
	if _, err := e.Client.ContainerPause(context.Background(), pausedID, client.ContainerPauseOptions{}); err != nil {
		t.Fatal(err)
	}
	waitHealthy(t, h, running)
	rows := lsJSON(t, h)
	if len(rows) != 2 {
		t.Fatalf("%d rows, want the test's 2 containers: %v", len(rows), rows)
	}
	r, p := rows[running], rows[paused]
	if r.Status != "RUNNING" || p.Status != "PAUSED" || r.Backend != "local" || r.Flavor != "v1" {
		t.Fatalf("statuses %s/%s backend %s flavor %s", r.Status, p.Status, r.Backend, r.Flavor)
	}
	if r.SandboxSpecID != e.Image || r.CreatedAt == nil {
		t.Errorf("spec %q created %v", r.SandboxSpecID, r.CreatedAt)
	}
	if _, err := time.Parse(time.RFC3339Nano, *r.CreatedAt); err != nil {
		t.Errorf("created_at %q: %v", *r.CreatedAt, err)
	}
	if len(r.ExposedURLs) == 0 || r.ExposedURLs[0].Name != "AGENT_SERVER" || !strings.HasPrefix(r.ExposedURLs[0].URL, "http://") {
		t.Errorf("exposed urls %+v", r.ExposedURLs)
	}
	if r.SessionAPIKey == nil || *r.SessionAPIKey == dockerSessionKey || !strings.HasSuffix(*r.SessionAPIKey, dockerSessionKey[len(dockerSessionKey)-4:]) {
		t.Errorf("session key not masked: %v", r.SessionAPIKey)
	}
	if got := lsJSON(t, h, "--show-secrets")[running].SessionAPIKey; got == nil || *got != dockerSessionKey {
		t.Errorf("--show-secrets: %v", got)
	}
}

// containerLines reads what the container wrote, per stream, straight from
// the engine: the truth `ohdash logs` is compared with.
func containerLines(t *testing.T, e *dockertest.Env, id string) (stdout, stderr []string) {
	t.Helper()
	rc, err := e.Client.ContainerLogs(context.Background(), id, client.ContainerLogsOptions{ShowStdout: true, ShowStderr: true})
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	var o, eb bytes.Buffer
	if _, err := stdcopy.StdCopy(&o, &eb, rc); err != nil {
		t.Fatal(err)
	}
	split := func(b bytes.Buffer) []string {
		s := strings.TrimSuffix(b.String(), "\n")
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	return split(o), split(eb)
}

// `ohdash logs` prints exactly what the container wrote, line by line and
// stream by stream, sanitised: long lines whole, escape sequences gone.
func TestDockerLogsMatchWhatTheContainerWrote(t *testing.T) {
	h, e := dockerHarness(t)
	const lines = 400
	id, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{
		"AGENTSIM_LOG_LINES": "400", "AGENTSIM_LOG_STDERR_EVERY": "7", "AGENTSIM_LOG_SHAPE": "mixed",
	}})
	var rawOut, rawErr []string
	waitFor(t, 30*time.Second, "the container to write its lines", func() bool {
		rawOut, rawErr = containerLines(t, e, id)
		return len(rawOut)+len(rawErr) >= lines
	})
	r := h.must(exitOK, "logs", name)
	compare := func(stream string, got string, raw []string) {
		t.Helper()
		gotLines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if len(gotLines) != len(raw) {
			t.Fatalf("%s: %d lines, the container wrote %d", stream, len(gotLines), len(raw))
		}
		for i := range raw {
			want, _ := sanitize.String(raw[i], sanitize.Options{StripColor: true})
			if gotLines[i] != want {
				t.Fatalf("%s line %d:\ngot  %.120q\nwant %.120q", stream, i+1, gotLines[i], want)
			}
		}
	}
	compare("stdout", r.stdout, rawOut)
	compare("stderr", r.stderr, rawErr)
	if strings.Contains(r.stdout, "\x1b") || strings.Contains(r.stderr, "\x1b") {
		t.Fatal("an escape sequence reached a non-terminal output")
	}
	// --tail, --timestamps and --since, on one stream of short lines, each
	// one Docker log entry (--tail counts entries; the engine splits long
	// lines, and agentsim flushes its two streams at different times).
	_, short := e.Run(t, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_LOG_LINES": "50"}})
	waitFor(t, 30*time.Second, "the short lines", func() bool {
		return strings.Count(h.must(exitOK, "logs", short).stdout, "\n") == 50
	})
	tail := strings.Split(strings.TrimSpace(h.must(exitOK, "logs", short, "--tail", "5", "-t").stdout), "\n")
	if len(tail) != 5 {
		t.Fatalf("--tail 5 printed %d lines", len(tail))
	}
	var stamps []string
	for i, l := range tail {
		ts, text, _ := strings.Cut(l, " ")
		if _, err := time.Parse(time.RFC3339Nano, ts); err != nil {
			t.Fatalf("--timestamps line %q: %v", l, err)
		}
		if want := fmt.Sprintf("line %08d ", 46+i); !strings.HasPrefix(text, want) {
			t.Fatalf("--tail 5 line %d is %q, want %q…", i+1, text, want)
		}
		stamps = append(stamps, ts)
	}
	since := strings.Split(strings.TrimSpace(h.must(exitOK, "logs", short, "--since", stamps[2]).stdout), "\n")
	most := 4
	if dockertest.IsPodman() {
		// Podman stamps to the second: --since takes the whole second of
		// line 48, which may hold every line.
		most = 50
	}
	if len(since) < 3 || len(since) > most || !strings.HasPrefix(since[len(since)-1], "line 00000050 ") ||
		!strings.HasPrefix(since[len(since)-3], "line 00000048 ") {
		t.Fatalf("--since %s (the time of line 48) printed:\n%s", stamps[2], strings.Join(since, "\n"))
	}
}

// `ohdash logs -f` in a real process follows new lines without gaps or
// repeats and exits 0 when interrupted.
func TestDockerLogsFollowUntilInterrupted(t *testing.T) {
	h, e := dockerHarness(t)
	_, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_LOG_LINES": "-1", "AGENTSIM_LOG_RATE": "40"}})
	cmd := exec.Command(buildOhdash(t), "logs", "-f", name)
	cmd.Env = []string{"HOME=" + h.home}
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	var got []string
	for len(got) < 60 && sc.Scan() {
		got = append(got, sc.Text())
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("logs -f after SIGINT: %v\n%s", err, errb.String())
	}
	for i := 1; i < len(got); i++ {
		var a, b int
		if _, err := fmtSscanf(got[i-1], &a); err != nil {
			t.Fatal(err)
		}
		if _, err := fmtSscanf(got[i], &b); err != nil {
			t.Fatal(err)
		}
		if b != a+1 {
			t.Fatalf("line %d follows line %d: a gap or a repeat", b, a)
		}
	}
}

// The lifecycle commands act on real containers; every exit code of the
// contract shows up against the engine too.
func TestDockerLifecycleAndExitCodes(t *testing.T) {
	h, e := dockerHarness(t)
	id, name := e.Run(t, dockertest.RunOptions{Ports: []int{8000}})
	state := func() string {
		res, err := e.Client.ContainerInspect(context.Background(), id, client.ContainerInspectOptions{})
		if err != nil {
			return "gone"
		}
		return string(res.Container.State.Status)
	}
	h.must(exitOK, "pause", name)
	if s := state(); s != "paused" {
		t.Fatalf("after pause: %s", s)
	}
	h.must(exitFailed, "resume", name, "--readonly")
	h.must(exitOK, "resume", name)
	if s := state(); s != "running" {
		t.Fatalf("after resume: %s", s)
	}
	h.must(exitNotFound, "pause", e.V1Prefix+"nonexistent")
	h.must(exitUsage, "rm", name)
	h.must(exitOK, "rm", "--yes", name)
	if s := state(); s != "gone" {
		t.Fatalf("after rm: %s", s)
	}
	created := strings.TrimSpace(h.must(exitOK, "start", "--image", e.Image).stdout)
	if !strings.HasPrefix(created, e.V1Prefix) {
		t.Fatalf("start created %q, not named with the configured prefix", created)
	}
	if _, ok := lsJSON(t, h)[created]; !ok {
		t.Fatalf("the started sandbox %s is not listed", created)
	}
	var actions []string
	for _, en := range readAudit(t, h.auditPath()) {
		actions = append(actions, en.Action+":"+en.Result)
	}
	want := []string{
		guard.SandboxPause + ":ok", guard.SandboxResume + ":refused", guard.SandboxResume + ":ok",
		guard.SandboxDelete + ":ok", guard.SandboxStart + ":ok",
	}
	if !reflect.DeepEqual(actions, want) {
		t.Fatalf("audit %v, want %v", actions, want)
	}
	h.env["DOCKER_HOST"] = "unix:///nonexistent/docker.sock"
	h.writeConfig("[[docker]]\nname = \"gone\"\n")
	if r := h.run("ls"); r.code != exitUnreachable {
		t.Fatalf("ls against no engine: exit %d\n%s", r.code, r.stderr)
	}
}

package main

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// shellSandbox starts a sandbox from the shell image (bash, sh, stty) and
// returns the harness and its name.
func shellSandbox(t *testing.T) (*harness, *dockertest.Env, string) {
	t.Helper()
	h, e := dockerHarness(t)
	_, name := e.Run(t, dockertest.RunOptions{Image: dockertest.ShellImage(t, e.Client), Env: map[string]string{"OH_SESSION_API_KEYS_0": dockerSessionKey}})
	return h, e, name
}

// execEntries are the audit lines of sandbox.exec.
func execEntries(t *testing.T, h *harness) []guard.Entry {
	t.Helper()
	readAudit(t, h.auditPath()) // checks every outcome has its intent
	var out []guard.Entry
	for _, e := range readAuditLines(t, h.auditPath()) {
		if e.Action == guard.SandboxExec {
			out = append(out, e)
		}
	}
	return out
}

// ohdash exec passes the command's exit code and output through, reads
// a shell's commands from stdin without a terminal, and records intent
// and outcome (with the exit code) in the audit log; read-only mode
// refuses and records the refusal.
func TestExecDockerCommand(t *testing.T) {
	h, _, name := shellSandbox(t)
	r := h.run("exec", name, "--", "sh", "-c", "echo out; echo err >&2; exit 4")
	if r.code != 4 || r.stdout != "out\n" || r.stderr != "err\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q; want 4, out, err (and nothing from ohdash)", r.code, r.stdout, r.stderr)
	}
	h.stdin = "echo from-stdin; exit 0\n"
	if r = h.must(exitOK, "exec", name); r.stdout != "from-stdin\n" {
		t.Fatalf("a shell without a terminal did not read stdin: %q", r.stdout)
	}
	h.stdin = ""
	es := execEntries(t, h)
	if len(es) != 4 || es[0].Result != guard.ResultIntent || es[1].Result != guard.ResultOK ||
		es[1].ExitCode == nil || *es[1].ExitCode != 4 || es[0].OpID != es[1].OpID ||
		es[0].Detail != `sh -c 'echo out; echo err >&2; exit 4'` || es[0].Target != name {
		t.Fatalf("audit: %+v", es)
	}

	r = h.must(exitFailed, "--readonly", "exec", name, "--", "true")
	if !strings.Contains(r.stderr, "read-only") {
		t.Fatalf("read-only refusal: %q", r.stderr)
	}
	if es = execEntries(t, h); len(es) != 5 || es[4].Result != guard.ResultRefused {
		t.Fatalf("the refusal is not audited: %+v", es[len(es)-1])
	}
	h.must(exitNotFound, "exec", "no-such-sandbox", "--", "true")
}

// A paused sandbox is refused with a reason, not a hang.
func TestExecDockerPaused(t *testing.T) {
	h, e, name := shellSandbox(t)
	h.must(exitOK, "pause", name)
	r := h.must(exitFailed, "exec", name, "--", "true")
	if !strings.Contains(r.stderr, "not running") {
		t.Fatalf("stderr %q", r.stderr)
	}
	_ = e
}

// TestFaultExecOutputOnTerminal: without -t, what a command prints onto a
// terminal is sanitised and masked (the session key, planted escapes);
// the audit line masks the key in the command too.
func TestFaultExecOutputOnTerminal(t *testing.T) {
	h, _, name := shellSandbox(t)
	h.tty = true
	script := `printf 'a\033]52;c;aGk=\007b\033[2Jc\302\233d\342\200\256e\n'; echo ` + dockerSessionKey + `; printf 'tail-no-newline'`
	r := h.must(exitOK, "exec", name, "--", "sh", "-c", script)
	outs := []output{{path: "stdout", data: []byte(r.stdout)}, {path: "stderr", data: []byte(r.stderr)}}
	checkTerminalSafe(t, outs)
	checkNoLeaks(t, outs, []string{dockerSessionKey})
	// The C1 CSI takes the d as its final byte: both go.
	if !strings.Contains(r.stdout, "abce") || !strings.HasSuffix(r.stdout, "tail-no-newline\n") {
		t.Fatalf("the text itself is lost: %q", r.stdout)
	}
	// Piped, the bytes are the command's own (a copy, not a display).
	h.tty = false
	if r = h.must(exitOK, "exec", name, "--", "sh", "-c", `printf 'x\033[2Jy'`); r.stdout != "x\x1b[2Jy" {
		t.Fatalf("piped output changed: %q", r.stdout)
	}
	audit := []output{{path: "audit", data: []byte(readFileString(t, h.auditPath()))}}
	checkTerminalSafe(t, audit)
	checkNoLeaks(t, audit, []string{dockerSessionKey})
}

// The real binary in a real terminal: ohdash exec without CMD is an
// interactive shell with a terminal of the window's size that follows a
// resize; its exit code is ohdash's.
func TestExecShellInTmux(t *testing.T) {
	h, _, name := shellSandbox(t)
	bin := buildOhdash(t)
	term := startTmux(t, "env "+h.envLine()+" "+bin+" exec "+name+"; echo ohdash-exit=$?; sleep 30")
	waitTerm(t, term, "bash-")
	waitResized(t, term, "24 80")
	term.keys("echo shell=$0", "Enter")
	waitTerm(t, term, "shell=bash")
	term.resize(100, 30)
	waitResized(t, term, "30 100")
	term.keys("exit 3", "Enter")
	waitTerm(t, term, "ohdash-exit=3")
}

// The dashboard steps aside for e, the shell runs in the sandbox with the
// window's size (resized with it), and when it exits the dashboard is
// back as it was; the exit code is in the message line and the audit log.
func TestExecDashboardShellInTmux(t *testing.T) {
	h, _, name := shellSandbox(t)
	bin := buildOhdash(t)
	term := startTmux(t, "env TERM=xterm-256color "+h.envLine()+" "+bin+"; sleep 30")
	waitTerm(t, term, name)
	before := waitTerm(t, term, "streaming")
	term.keys("e")
	waitTerm(t, term, "bash-")
	// Engines before API 1.42 take the size from a resize sent right after
	// the attach, which a loaded machine may deliver after the prompt.
	waitResized(t, term, "24 80")
	term.resize(100, 30)
	waitResized(t, term, "30 100")
	term.resize(80, 24)
	term.keys("exit 6", "Enter")
	waitTerm(t, term, "exit code 6")
	ages := regexp.MustCompile(`\s+(\d+[smh]|now) `)
	norm := func(s string) string {
		lines := strings.Split(ages.ReplaceAllString(s, " AGE "), "\n")
		return strings.Join(lines[:len(lines)-4], "\n") // the message, status and help lines differ
	}
	// The dashboard repaints at the window's size as it is now, which
	// it learns a moment after it is back.
	if after, ok := term.waitFor(5*time.Second, func(s string) bool { return norm(s) == norm(before) }); !ok {
		t.Fatalf("the dashboard did not come back as it was:\nbefore:\n%s\nafter:\n%s", before, after)
	}
	// Nothing of the shell's session is left reading the terminal: the
	// next keys are the dashboard's (a leftover read used to take one).
	for range 3 {
		term.keys("?")
		waitTerm(t, term, "Keys")
		term.keys("?")
		if s, ok := term.waitFor(5*time.Second, func(s string) bool { return !strings.Contains(s, "Keys") }); !ok {
			t.Fatalf("help did not close:\n%s", s)
		}
	}
	if es := execEntries(t, h); len(es) != 2 || es[0].Result != guard.ResultIntent || es[1].Origin != "dashboard" || es[1].ExitCode == nil || *es[1].ExitCode != 6 {
		t.Fatalf("audit: %+v", es)
	}
}

// ohdash exec works on a Docker engine reached over ssh:// (the test
// sshd) and through a docker context pointing there, the exec's hijacked
// stream included.
func TestExecOverSSH(t *testing.T) {
	h, e := dockerHarness(t)
	delete(h.env, "DOCKER_HOST")
	sshd := startSSHD(t, h)
	sshd.trust(t, h)
	_, name := e.Run(t, dockertest.RunOptions{Image: dockertest.ShellImage(t, e.Client)})
	h.writeConfig("[[docker]]\nname = \"ssh\"\nhost = \"" + sshd.url() + "\"\nv1_prefixes = [\"" + e.V1Prefix + "\"]\n")
	check := func(how string) {
		t.Helper()
		h.stdin = "hello\n"
		r := h.run("exec", "-i", name, "--", "sh", "-c", "read line; echo got:$line; exit 9")
		if r.code != 9 || r.stdout != "got:hello\n" {
			t.Fatalf("%s: exit %d, stdout %q, stderr %q", how, r.code, r.stdout, r.stderr)
		}
	}
	check("host = ssh://")
	// A docker context that points to the same ssh:// host.
	sum := sha256.Sum256([]byte("over-ssh"))
	writeTestFile(t, filepath.Join(h.home, ".docker", "contexts", "meta", hex.EncodeToString(sum[:]), "meta.json"),
		`{"Name":"over-ssh","Metadata":{},"Endpoints":{"docker":{"Host":"`+sshd.url()+`","SkipTLSVerify":false}}}`)
	h.writeConfig("[[docker]]\nname = \"ssh\"\ncontext = \"over-ssh\"\nv1_prefixes = [\"" + e.V1Prefix + "\"]\n")
	check("docker context")
}

// Runtime API sandboxes have no exec: a command runs through the
// agent-server's bash API with its output and exit code; without a
// command ohdash explains that there is no shell there.
func TestExecBashAPI(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	id := f.withStatus(t, backend.StatusRunning)
	r := h.run("exec", id, "--", "echo hello; nosuch; exit 3")
	if r.code != 3 || r.stdout != "hello\n" || r.stderr != "bash: nosuch: command not found\n" {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	r = h.must(exitFailed, "exec", id)
	if !strings.Contains(r.stderr, "no interactive shell") {
		t.Fatalf("no explanation: %q", r.stderr)
	}
	h.tty = true
	r = h.must(exitOK, "exec", id, "--", "hostile")
	// Colour is kept on a terminal; stderr is not one here (raw bytes).
	checkTerminalSafe(t, []output{{path: "stdout", data: []byte(r.stdout), sgr: true}})
	es := execEntries(t, h)
	// The shell asked for where there is none never ran: nothing to audit.
	if len(es) != 4 || es[1].ExitCode == nil || *es[1].ExitCode != 3 || !strings.Contains(es[0].Detail, "bash API") || es[3].Result != guard.ResultOK {
		t.Fatalf("audit: %+v", es)
	}
	paused := f.withStatus(t, backend.StatusPaused)
	h.must(exitFailed, "exec", paused, "--", "true")
}

// envLine is the harness's environment as "K=V ..." for a shell command.
func (h *harness) envLine() string {
	var parts []string
	for k, v := range h.env {
		parts = append(parts, k+"="+shellQuote(v))
	}
	return strings.Join(parts, " ")
}

func shellQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'" }

func (m *tmuxTerm) resize(w, h int) {
	m.t.Helper()
	out, err := exec.Command(m.tmux, "-L", m.session, "resize-window", "-t", m.session, "-x", itoa(w), "-y", itoa(h)).CombinedOutput()
	if err != nil {
		m.t.Fatalf("resize-window: %v %s", err, out)
	}
}

func waitTerm(t *testing.T, term *tmuxTerm, want string) string {
	t.Helper()
	s, ok := term.waitFor(20*time.Second, func(s string) bool { return strings.Contains(s, want) })
	if !ok {
		t.Fatalf("no %q on screen:\n%s", want, s)
	}
	return s
}

func readFileString(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// waitResized asks the shell for its size until it reports want: the
// resize reaches the engine a moment after the window changed.
func waitResized(t *testing.T, term *tmuxTerm, want string) {
	t.Helper()
	for range 20 {
		term.keys("stty size", "Enter")
		if _, ok := term.waitFor(500*time.Millisecond, func(s string) bool { return strings.Contains(s, want) }); ok {
			return
		}
	}
	t.Fatalf("the shell never saw the size %s:\n%s", want, term.screen())
}

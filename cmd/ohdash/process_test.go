package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

var (
	buildOnce sync.Once
	builtBin  string
	buildErr  error
)

// goBuild builds the package pkg into out, with env added to the
// process's environment; it returns the compiler's output.
func goBuild(pkg, out string, env ...string) ([]byte, error) {
	cmd := exec.Command("go", "build", "-o", out, pkg)
	cmd.Env = append(os.Environ(), env...)
	return cmd.CombinedOutput()
}

// buildOhdash builds the ohdash binary once per test run, for the tests
// that need the real process: exit codes, terminals, signals.
func buildOhdash(t testing.TB) string {
	t.Helper()
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "ohdash-bin-")
		if err != nil {
			buildErr = err
			return
		}
		builtBin = filepath.Join(dir, "ohdash")
		out, err := goBuild(".", builtBin)
		if err != nil {
			buildErr = err
			t.Logf("%s", out)
		}
	})
	if buildErr != nil {
		t.Fatalf("go build: %v", buildErr)
	}
	return builtBin
}

func TestMain(m *testing.M) {
	code := m.Run()
	if builtBin != "" {
		_ = os.RemoveAll(filepath.Dir(builtBin))
	}
	os.Exit(code)
}

// proc runs the built binary with the harness's environment.
func (h *harness) proc(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	cmd := exec.Command(buildOhdash(t), args...)
	cmd.Env = []string{"HOME=" + h.home, "PATH=" + os.Getenv("PATH")}
	for k, v := range h.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(stdin)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return result{code: code, stdout: out.String(), stderr: errb.String()}
}

// The process's exit codes are the contract's, and commands that need a
// person refuse to run without a terminal.
func TestProcessExitCodesAndTerminalRefusals(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	running := f.withStatus(t, backend.StatusRunning)
	checkExits(t, func(args ...string) result { return h.proc(t, "", args...) }, []exitCase{
		{[]string{"ls", "--json"}, exitOK, ""},
		{[]string{}, exitUsage, "needs a terminal"},
		{[]string{"demo"}, exitUsage, "needs a terminal"},
		{[]string{"rm", running}, exitUsage, "not a terminal"},
		{[]string{"ls", "--nope"}, exitUsage, "nope"},
		{[]string{"pause", running, "--readonly"}, exitFailed, "read-only"},
		{[]string{"resume", "missing-sandbox"}, exitNotFound, "not found"},
	})
	if _, ok := f.sandboxes(t)[running]; !ok {
		t.Fatal("rm without a terminal deleted the sandbox")
	}
	var rows []sandboxJSON
	if err := json.Unmarshal([]byte(h.proc(t, "", "ls", "--json").stdout), &rows); err != nil || len(rows) != 3 {
		t.Fatalf("ls --json from the process: %d rows, %v", len(rows), err)
	}
	h.writeConfig("docker = []\n[[remote]]\nurl = \"http://127.0.0.1:1\"\napi_key = \"k\"\n")
	if r := h.proc(t, "", "ls"); r.code != exitUnreachable {
		t.Errorf("unreachable API: exit %d\n%s", r.code, r.stderr)
	}
}

package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
)

func envOf(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestParseConfig(t *testing.T) {
	cfg, err := parseConfig([]string{"-pace", "5ms"}, envOf(map[string]string{
		"OH_SESSION_API_KEYS_0": "k0", "OH_SESSION_API_KEYS_1": "k1",
		"AGENTSIM_PACE": "1s", "AGENTSIM_VERSION": "1.1.0", "AGENTSIM_ERROR_RATE": "0.25",
		"AGENTSIM_LOG_LINES": "7",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.pace != 5*time.Millisecond || cfg.version != "1.1.0" || len(cfg.keys) != 2 || cfg.faults.ErrorRate != 0.25 || cfg.logs.lines != 7 {
		t.Errorf("config %+v", cfg)
	}
	if cfg.addr != "0.0.0.0:8000" || cfg.mode != "v1" {
		t.Errorf("addr %s mode %s", cfg.addr, cfg.mode)
	}
	// V0: the key is SESSION_API_KEY and the port comes from $port.
	cfg, err = parseConfig(nil, envOf(map[string]string{
		"AGENTSIM_MODE": "v0", "port": "31234", "SESSION_API_KEY": "v0key", "OPENHANDS_SESSION_ID": "abc",
	}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.addr != "0.0.0.0:31234" || cfg.keys[0] != "v0key" || cfg.conversationID != "abc" {
		t.Errorf("v0 config %+v", cfg)
	}
	for _, bad := range []map[string]string{
		{"AGENTSIM_PACE": "soon"},
		{"AGENTSIM_MODE": "v2"},
		{"AGENTSIM_ERROR_RATE": "2"},
		{"AGENTSIM_LOG_SHAPE": "wavy"},
	} {
		if _, err := parseConfig(nil, envOf(bad), io.Discard); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
	var help bytes.Buffer
	if _, err := parseConfig([]string{"-h"}, envOf(nil), &help); !errors.Is(err, flag.ErrHelp) {
		t.Errorf("-h: %v", err)
	}
	for _, want := range []string{"OH_SESSION_API_KEYS_0", "AGENTSIM_LOG_LINES", "AGENTSIM_SEED_CONVERSATIONS", "/_sim/"} {
		if !strings.Contains(help.String(), want) {
			t.Errorf("-h does not mention %s", want)
		}
	}
}

// TestBinary builds the static binary and runs it as a container would.
func TestBinary(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the agentsim binary; skipped with -short")
	}
	bin := filepath.Join(t.TempDir(), "agentsim")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Run("v1", func(t *testing.T) {
		base, stop := runBinary(t, bin, "OH_SESSION_API_KEYS_0=secret-key", "AGENTSIM_SEED_CONVERSATIONS=2", "AGENTSIM_LOG_LINES=3")
		if body := get(t, base+"/health", "", http.StatusOK); body != `{"status":"ok"}` {
			t.Errorf("/health: %s", body)
		}
		get(t, base+"/api/conversations/count", "", http.StatusUnauthorized)
		if body := get(t, base+"/api/conversations/count", "secret-key", http.StatusOK); body != "2" {
			t.Errorf("count: %s", body)
		}
		get(t, base+"/_sim/state", "secret-key", http.StatusOK)
		if out := stop(); !strings.Contains(out, "line 00000003") {
			t.Errorf("log lines missing from stdout: %q", out)
		}
	})
	t.Run("v0", func(t *testing.T) {
		base, stop := runBinary(t, bin, "AGENTSIM_MODE=v0", "SESSION_API_KEY=nested", "OPENHANDS_SESSION_ID=0123456789abcdef0123456789abcdef")
		if body := get(t, base+"/health", "", http.StatusOK); body != `"OK"` {
			t.Errorf("v0 /health: %s", body)
		}
		get(t, base+"/api/conversations/0123456789abcdef0123456789abcdef", "", http.StatusUnauthorized)
		if body := get(t, base+"/api/conversations/0123456789abcdef0123456789abcdef", "nested", http.StatusOK); !strings.Contains(body, `"conversation_version":"V0"`) {
			t.Errorf("v0 conversation: %s", body)
		}
		stop()
	})
}

// runBinary starts bin on a free port with env and returns its base URL
// and a stop function that sends SIGTERM, requires a clean exit and
// returns stdout.
func runBinary(t *testing.T, bin string, env ...string) (string, func() string) {
	t.Helper()
	port := freePort(t)
	cmd := exec.Command(bin)
	cmd.Env = append(env, fmt.Sprintf("AGENTSIM_PORT=%d", port), "AGENTSIM_HOST=127.0.0.1", "AGENTSIM_PACE=1ms")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	base := fmt.Sprintf("http://127.0.0.1:%d", port)
	waitHealthy(t, base, done, &stderr)
	return base, func() string {
		if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("exit after SIGTERM: %v\n%s", err, stderr.String())
			}
		case <-time.After(10 * time.Second):
			t.Errorf("no exit 10 s after SIGTERM")
		}
		return stdout.String()
	}
}

func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// waitHealthy polls /alive with a deadline until the process answers.
func waitHealthy(t *testing.T, base string, done <-chan error, stderr *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, base+"/alive", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			return
		}
		select {
		case err := <-done:
			t.Fatalf("agentsim exited: %v\n%s", err, stderr.String())
		case <-ctx.Done():
			t.Fatalf("agentsim did not answer on %s", base)
		case <-tick.C:
		}
	}
}

func get(t *testing.T, url, key string, want int) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if key != "" {
		req.Header.Set("X-Session-API-Key", key)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		t.Fatalf("GET %s: %d, want %d: %s", url, resp.StatusCode, want, body)
	}
	return string(body)
}

// The variant knobs come from flags and variables, and bad ones are
// refused at start.
func TestParseConfigVariant(t *testing.T) {
	cfg, err := parseConfig([]string{"-health-shape", "text"}, envOf(map[string]string{"AGENTSIM_IGNORE_PARAMS": "all"}), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.variant.HealthShape != agentserver.HealthText || len(cfg.variant.IgnoreParams) != 3 {
		t.Errorf("variant %+v", cfg.variant)
	}
	cfg, err = parseConfig([]string{"-ignore-params", "page_id,sort_order"}, envOf(nil), io.Discard)
	if err != nil || !reflect.DeepEqual(cfg.variant.IgnoreParams, []string{"page_id", "sort_order"}) {
		t.Errorf("ignore-params: %+v %v", cfg.variant, err)
	}
	for _, args := range [][]string{{"-ignore-params", "limit"}, {"-health-shape", "xml"}} {
		if _, err := parseConfig(args, envOf(nil), io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

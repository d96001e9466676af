package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// ohdash config shows the precedence file < env < flag at work, names the
// source of every value, and masks secrets.
func TestConfigCommandShowsPrecedenceAndMasks(t *testing.T) {
	h := newHarness(t)
	keyFile := filepath.Join(h.home, "k")
	writeTestFile(t, keyFile, "sk-remote-very-secret-1234")
	h.writeConfig(`log_level = "warn"
audit_log = "~/audit.jsonl"
[logs]
max_lines = 500
[[remote]]
name = "eval"
url = "https://runtime.example"
api_key_file = "` + keyFile + `"
[keys]
"sandbox.pause" = "Z"
`)
	h.env["OHDASH_LOG_LEVEL"] = "error"
	h.env["OHDASH_LOGS_MAX_LINES"] = "700"
	r := h.must(exitOK, "config", "--json", "--log-level", "debug")
	var got struct {
		Settings map[string]any      `json:"settings"`
		Sources  map[string]string   `json:"sources"`
		Keys     map[string][]string `json:"keys"`
		Remote   []map[string]any    `json:"remote"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, r.stdout)
	}
	checks := []struct{ key, value, source string }{
		{"log_level", "debug", "flag --log-level"},
		{"logs.max_lines", "700", "env OHDASH_LOGS_MAX_LINES"},
		{"audit_log", filepath.Join(h.home, "audit.jsonl"), "file"},
		{"theme", "auto", "default"},
	}
	for _, c := range checks {
		if v := toString(got.Settings[c.key]); v != c.value || got.Sources[c.key] != c.source {
			t.Errorf("%s = %v from %q; want %s from %q", c.key, v, got.Sources[c.key], c.value, c.source)
		}
	}
	if got.Keys["sandbox.pause"][0] != "Z" {
		t.Errorf("keys: %v", got.Keys["sandbox.pause"])
	}
	text := h.must(exitOK, "config").stdout
	for _, out := range []string{r.stdout, text} {
		if strings.Contains(out, "sk-remote-very-secret") {
			t.Fatalf("secret in config output:\n%s", out)
		}
	}
	for _, want := range []string{"••••1234", `log_level = "error"`, "# env OHDASH_LOG_LEVEL", `"sandbox.pause" = ["Z"]`} {
		if !strings.Contains(text, want) {
			t.Errorf("config text lacks %q:\n%s", want, text)
		}
	}
	// The TOML it prints is a configuration ohdash accepts again.
	saved := filepath.Join(h.home, "saved.toml")
	writeTestFile(t, saved, text)
	h.must(exitOK, "config", "--config", saved)
}

func toString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		b, _ := json.Marshal(v)
		return string(b)
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// A remapped key shows in `ohdash keys`; a clash stops the dashboard with
// a message naming both actions, before it touches the terminal.
func TestKeyRemapAndClash(t *testing.T) {
	h := newHarness(t)
	h.writeConfig("docker = []\n[keys]\n\"sandbox.pause\" = [\"Z\", \"ctrl+p\"]\n")
	out := h.must(exitOK, "keys").stdout
	if !strings.Contains(out, "sandbox.pause") || !strings.Contains(out, "Z ctrl+p") {
		t.Fatalf("keys:\n%s", out)
	}
	h.writeConfig("docker = []\n[keys]\n\"sandbox.pause\" = \"q\"\n")
	for _, args := range [][]string{{}, {"demo"}, {"keys"}} {
		r := h.run(args...)
		if r.code != exitUsage || !strings.Contains(r.stderr, "sandbox.pause") || !strings.Contains(r.stderr, "quit") {
			t.Errorf("ohdash %v with a clash: exit %d, %s", args, r.code, r.stderr)
		}
	}
	// config still prints, then reports the clash.
	r := h.run("config")
	if r.code != exitUsage || !strings.Contains(r.stdout, "[keys]") || !strings.Contains(r.stderr, "clash") {
		t.Errorf("config with a clash: exit %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
}

// --log-file receives structured logs of what ran, and no credential: not
// the runtime API key, not a session key.
func TestLogFileHasNoSecrets(t *testing.T) {
	h := newHarness(t)
	f := startFleet(t, h, 3)
	logPath := filepath.Join(h.home, "debug.log")
	h.must(exitOK, "ls", "--json", "--show-secrets", "--log-file", logPath, "--log-level", "debug")
	h.must(exitOK, "pause", f.withStatus(t, backend.StatusRunning), "--log-file", logPath, "--log-level", "debug")
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	if !strings.Contains(log, `"msg":"start"`) || !strings.Contains(log, `"action":"sandbox.pause"`) {
		t.Errorf("log lacks the expected records:\n%s", log)
	}
	if strings.Contains(log, f.APIKey) {
		t.Fatal("the runtime API key is in the log file")
	}
	for _, sb := range f.sandboxes(t) {
		if k := sb.SessionAPIKey.Reveal(); k != "" && strings.Contains(log, k) {
			t.Fatalf("session key of %s is in the log file", sb.ID)
		}
	}
	for _, line := range strings.Split(strings.TrimSpace(log), "\n") {
		if !json.Valid([]byte(line)) {
			t.Fatalf("log line is not JSON: %s", line)
		}
	}
}

// Every command has help, and every command's flags parse.
func TestHelpForEveryCommand(t *testing.T) {
	h := newHarness(t)
	for _, c := range commands() {
		if c.hidden {
			continue
		}
		name := c.name
		if name == dashboardName {
			name = ""
		}
		for _, args := range [][]string{{"help", name}, {name, "--help"}, {name, "-h"}} {
			if name == "" {
				args = []string{"--help"}
			}
			r := h.must(exitOK, args...)
			if !strings.Contains(r.stdout, "Usage") && !strings.Contains(r.stdout, "Commands") {
				t.Errorf("ohdash %v: no usage:\n%s", args, r.stdout)
			}
		}
	}
	if out := h.must(exitOK, "help", "config").stdout; !strings.Contains(out, "OHDASH_LOGS_MAX_LINES") {
		t.Error("help config lacks the settings reference")
	}
}

// The completion scripts are valid shell, and bash's completes commands
// and flags.
func TestCompletionScripts(t *testing.T) {
	h := newHarness(t)
	dir := t.TempDir()
	for _, sh := range []string{"bash", "zsh", "fish"} {
		out := h.must(exitOK, "completion", sh).stdout
		path := filepath.Join(dir, "ohdash."+sh)
		writeTestFile(t, path, out)
		bin, err := exec.LookPath(sh)
		if err != nil {
			t.Logf("%s is not installed: its script is generated but not syntax-checked", sh)
			continue
		}
		flag := "-n"
		if sh == "fish" {
			flag = "--no-execute"
		}
		if msg, err := exec.Command(bin, flag, path).CombinedOutput(); err != nil {
			t.Errorf("%s script does not parse: %v\n%s", sh, err, msg)
		}
	}
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("bash is not installed")
	}
	script := filepath.Join(dir, "ohdash.bash")
	complete := func(words string) string {
		cmd := exec.Command(bash, "-c", `source "$1"; COMP_WORDS=($2); COMP_CWORD=$((${#COMP_WORDS[@]}-1)); _ohdash; echo "${COMPREPLY[*]}"`, "x", script, words)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%v: %s", err, out)
		}
		return strings.TrimSpace(string(out))
	}
	if got := complete("ohdash lo"); got != "logs" {
		t.Errorf("ohdash lo<Tab> = %q", got)
	}
	if got := complete("ohdash logs --fo"); got != "--follow" {
		t.Errorf("ohdash logs --fo<Tab> = %q", got)
	}
	if got := complete("ohdash --backend x rm --y"); got != "--yes" {
		t.Errorf("ohdash --backend x rm --y<Tab> = %q", got)
	}
	if got := complete("ohdash completion z"); got != "zsh" {
		t.Errorf("ohdash completion z<Tab> = %q", got)
	}
}

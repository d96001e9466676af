package alert

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
)

const plantedKey = "sk-oh-PLANTEDsessionKEY0123456789abcdef"

// planted is an alert whose every string carries escapes and a secret.
func planted() Alert {
	backend.RememberSecret(plantedKey)
	evil := "x\x1b]52;c;SGVsbG8=\a\x1b[2J\u009b31m\u202eevil\x07\x1b\\;" + plantedKey
	return Alert{
		Time: t0, Kind: ConvWaiting, Backend: "docker" + evil, Sandbox: "sb" + evil,
		Conversation: "c" + evil, From: "running", To: "waiting_for_confirmation", Title: "title" + evil,
	}
}

func assertClean(t *testing.T, what, s string) {
	t.Helper()
	if strings.Contains(s, plantedKey) {
		t.Errorf("%s leaks the session key: %q", what, s)
	}
	for _, bad := range []string{"\x1b", "\u009b", "\u202e", "]52;"} {
		if strings.Contains(s, bad) {
			t.Errorf("%s carries %q: %q", what, bad, s)
		}
	}
}

func TestFaultAlertOSCPayloads(t *testing.T) {
	for _, mode := range []TermMode{OSC9, OSC777} {
		seq := Sequence(mode, planted())
		prefix := "\x1b]9;"
		if mode == OSC777 {
			prefix = "\x1b]777;notify;"
		}
		if !strings.HasPrefix(seq, prefix) || !strings.HasSuffix(seq, "\a") {
			t.Fatalf("%s: framing %q", mode, seq)
		}
		body := strings.TrimSuffix(strings.TrimPrefix(seq, prefix), "\a")
		assertClean(t, string(mode), body)
		for _, r := range body {
			if r < 0x20 || (r >= 0x7f && r < 0xa0) {
				t.Errorf("%s: control %U inside the payload %q", mode, r, body)
			}
		}
		if mode == OSC777 && strings.Count(body, ";") != 1 {
			t.Errorf("osc777: fields %q", body)
		}
	}
	if Sequence(Bell, planted()) != "\a" {
		t.Error("bell is not one BEL")
	}
}

func TestFaultAlertJSON(t *testing.T) {
	b, err := JSON(planted())
	if err != nil {
		t.Fatal(err)
	}
	assertClean(t, "json", string(b))
	var back map[string]any
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("not JSON: %v: %s", err, b)
	}
	for _, k := range []string{"time", "kind", "backend", "sandbox", "conversation", "from", "to", "title"} {
		if _, ok := back[k]; !ok {
			t.Errorf("field %s missing: %s", k, b)
		}
	}
}

func TestFaultAlertHookStdin(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "stdin.json")
	script := filepath.Join(dir, "hook.sh")
	if err := os.WriteFile(script, []byte("#!/bin/sh\ncat > \"$1\"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	h := Hook{Argv: []string{script, out}}
	if err := h.Send(context.Background(), planted()); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	assertClean(t, "hook stdin", string(b))
	var a Alert
	if err := json.Unmarshal(b, &a); err != nil || a.Kind != ConvWaiting || a.To != "waiting_for_confirmation" {
		t.Fatalf("hook read %q: %v", b, err)
	}
}

func TestHookTimeoutAndFailure(t *testing.T) {
	h := Hook{Argv: []string{"sleep", "30"}, Timeout: 100 * 1e6}
	if err := h.Send(context.Background(), Alert{Kind: Budget}); err == nil {
		t.Error("a hook past its timeout is not an error")
	}
	if err := (Hook{Argv: []string{"false"}}).Send(context.Background(), Alert{}); err == nil {
		t.Error("a failing hook is not an error")
	}
	if err := (Hook{}).Send(context.Background(), Alert{}); err == nil {
		t.Error("an empty command line is not an error")
	}
}

// An untitled conversation with a hostile multi-byte id: the short id in
// every text is valid UTF-8.
func TestFaultShortIDStaysUTF8(t *testing.T) {
	a := Alert{Kind: ConvWaiting, Sandbox: "sb", Conversation: "€€€€€€€€", To: "waiting_for_confirmation"}.Clean()
	for _, s := range []string{a.Text(), Sequence(OSC9, a), Sequence(OSC777, a)} {
		if !utf8.ValidString(s) {
			t.Errorf("invalid UTF-8: %q", s)
		}
	}
}

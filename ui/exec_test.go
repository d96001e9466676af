package ui

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// e in read-only mode is refused, named, and handed to the audit hook.
func TestExecReadOnlyRefused(t *testing.T) {
	var mu sync.Mutex
	var got []Refusal
	cfg := Config{ReadOnly: true, ReadOnlyWhy: "started with --readonly", OnRefused: func(r Refusal) {
		mu.Lock()
		got = append(got, r)
		mu.Unlock()
	}}
	h := newHarness(t, 120, 40, cfg, fixtureSandboxes()[0])
	h.run(h.key("e"))
	if v := ansi.Strip(h.view()); !strings.Contains(v, "read-only mode: exec is disabled (started with --readonly)") {
		t.Fatalf("no refusal on screen:\n%s", v)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Action != "exec" || got[0].Kind != "sandbox" || got[0].Target != fixtureSandboxes()[0].ID {
		t.Fatalf("refusals %+v", got)
	}
}

// e on a sandbox that is not running says so; on a backend that can run
// nothing inside its sandboxes (the fake one) it says that.
func TestExecNotRunningAndUnsupported(t *testing.T) {
	h := newHarness(t, 120, 40, Config{}, fixtureSandboxes()[0])
	h.key("e")
	if v := ansi.Strip(h.view()); !strings.Contains(v, "the docker backend can run nothing inside its sandboxes") {
		t.Fatalf("no notice:\n%s", v)
	}
	paused := fixtureSandboxes()[1]
	h = newHarness(t, 120, 40, Config{}, paused)
	h.key("e")
	if v := ansi.Strip(h.view()); !strings.Contains(v, "is PAUSED: a shell needs a running sandbox") && !strings.Contains(v, "a shell needs a running sandbox") {
		t.Fatalf("no notice:\n%s", v)
	}
}

// o lists the selected sandbox's URLs: the VS Code token masked and not
// in any hyperlink, the others as OSC 8 links; y copies the real URL.
func TestURLsList(t *testing.T) {
	h := newHarness(t, 120, 40, Config{}, fixtureSandboxes()[0])
	h.key("o")
	raw := h.view()
	v := ansi.Strip(raw)
	for _, want := range []string{"URLs of oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE", "AGENT_SERVER", "VSCODE", "WORKER_2", "tkn=••••", "no local browser"} {
		if !strings.Contains(v, want) {
			t.Fatalf("no %q in the list:\n%s", want, v)
		}
	}
	key := fixtureSandboxes()[0].SessionAPIKey.Reveal()
	if strings.Contains(raw, key) {
		t.Fatal("the VS Code token reached the screen")
	}
	if !strings.Contains(raw, "\x1b]8;;http://localhost:32768\x1b\\") && !strings.Contains(raw, "\x1b]8;;http://localhost:32768\a") {
		t.Fatalf("the agent URL is not a hyperlink: %q", raw)
	}
	h.key("down")
	cmd := h.key("y")
	if cmd == nil || !strings.Contains(ansi.Strip(h.view()), "copied the VSCODE URL (OSC 52)") {
		t.Fatalf("y did not copy:\n%s", ansi.Strip(h.view()))
	}
	if h.m.urls != nil {
		t.Fatal("the list stayed open after copying")
	}
}

// With a local browser, enter opens the selected URL (in a Cmd, not in
// Update) with the real URL.
func TestURLsOpenInBrowser(t *testing.T) {
	var mu sync.Mutex
	var opened []string
	cfg := Config{OpenURL: func(_ context.Context, u string) error {
		mu.Lock()
		opened = append(opened, u)
		mu.Unlock()
		return nil
	}}
	h := newHarness(t, 120, 40, cfg, fixtureSandboxes()[0])
	h.key("o")
	if !strings.Contains(ansi.Strip(h.view()), "enter open in browser") {
		t.Fatalf("no browser hint:\n%s", ansi.Strip(h.view()))
	}
	h.run(h.key("enter"))
	mu.Lock()
	defer mu.Unlock()
	if len(opened) != 1 || opened[0] != "http://localhost:32768" {
		t.Fatalf("opened %v", opened)
	}
	if !strings.Contains(ansi.Strip(h.view()), "opened the AGENT_SERVER URL in the browser") {
		t.Fatalf("no notice:\n%s", ansi.Strip(h.view()))
	}
}

// TestFaultURLsHostile: URL names and URLs with planted escapes, a C1
// CSI, a bidi override and a session key: nothing of them acts on the
// terminal, the key is masked, and no hyperlink carries a hostile target.
func TestFaultURLsHostile(t *testing.T) {
	key := "sk-planted-session-key-0123456789"
	backend.RememberSecret(key)
	sb := fixtureSandboxes()[0]
	sb.ExposedURLs = []backend.ExposedURL{
		{Name: "EVIL\x1b]52;c;aGk=\a\x1b[2J\u009b2J\u202e", URL: "http://evil.example/\x1b]8;;http://x\a"},
		{Name: "JS", URL: "javascript:alert(1)"},
		{Name: "KEY", URL: "http://localhost:1/?session_api_key=" + key},
		{Name: "PLAIN", URL: "http://localhost:2/ok"},
	}
	h := newHarness(t, 120, 40, Config{}, sb)
	h.key("o")
	raw := h.view()
	for _, bad := range []string{"\x1b]52", "\x1b[2J", "\u009b", "\u202e", key, "javascript:alert(1)\x1b", "http://x\a"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the list carries %q", bad)
		}
	}
	links := strings.Count(raw, "\x1b]8;;http")
	if links != 1 || !strings.Contains(raw, "\x1b]8;;http://localhost:2/ok") {
		t.Fatalf("want exactly one hyperlink (PLAIN), got %d: %q", links, raw)
	}
}

func TestGoldenURLs(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		name := fmt.Sprintf("urls_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			h := newHarness(t, size[0], size[1], Config{}, fixtureSandboxes()[0])
			h.key("o")
			v := h.view()
			checkShape(t, v, size[0], size[1])
			testkit.Golden(t, name, v)
		})
	}
}

package ui

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
)

// TestFaultURLsCopyRefusesHostile: OSC 52 puts the URL itself on the
// clipboard, and what is pasted into a shell runs: a URL with a line
// break, an escape or a non-http scheme is not copied (it was: "y" put
// "http://evil/\nrm -rf ~\n" on the clipboard). A URL's name carrying a
// session key shows masked, in the list and in the notice.
func TestFaultURLsCopyRefusesHostile(t *testing.T) {
	key := "sk-planted-urlname-key-0123456789"
	backend.RememberSecret(key)
	for _, hostile := range []string{"http://evil.example/\nrm -rf ~\n", "javascript:alert(1)", "http://a/\x1b]52;c;aGk=\a", "http://a/\u202etxt.exe"} {
		sb := fixtureSandboxes()[0]
		sb.ExposedURLs = []backend.ExposedURL{{Name: "EVIL" + key, URL: hostile}, {Name: "PLAIN", URL: "http://localhost:2/ok"}}
		h := newHarness(t, 120, 40, Config{}, sb)
		h.key("o")
		if strings.Contains(h.view(), key) {
			t.Fatalf("the list shows the key in a URL's name")
		}
		if cmd := h.key("y"); cmd != nil {
			t.Errorf("copied %q to the clipboard", hostile)
		}
		v := ansi.Strip(h.view())
		if strings.Contains(h.view(), key) || !strings.Contains(v, "not copied") {
			t.Errorf("%q: no refusal, or the key shown:\n%s", hostile, v)
		}
		h.key("o")
		h.key("down")
		if cmd := h.key("y"); cmd == nil {
			t.Errorf("the plain URL was not copied")
		}
	}
}

// TestFaultURLsOpenErrorIsSafe: the opener's complaint quotes what it was
// given (xdg-open prints the URL, token and all) and anything else: the
// status line shows it sanitised and masked.
func TestFaultURLsOpenErrorIsSafe(t *testing.T) {
	key := "sk-planted-opener-key-0123456789"
	backend.RememberSecret(key)
	cfg := Config{OpenURL: func(_ context.Context, u string) error {
		return fmt.Errorf("xdg-open: no method for %s?tkn=%s \x1b]52;c;aGk=\a\x1b[2J\u009b2J\u202e", u, key)
	}}
	h := newHarness(t, 120, 40, cfg, fixtureSandboxes()[0])
	h.key("o")
	h.run(h.key("enter"))
	raw := h.view()
	if !strings.Contains(ansi.Strip(raw), "xdg-open: no method") {
		t.Fatalf("no error shown:\n%s", ansi.Strip(raw))
	}
	for _, bad := range []string{key, "\x1b]52", "\x1b[2J", "\u009b", "\u202e"} {
		if strings.Contains(raw, bad) {
			t.Errorf("the status line carries %q", bad)
		}
	}
}

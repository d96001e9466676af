package config

import (
	"strings"
	"testing"
)

func TestNormalizeKey(t *testing.T) {
	for in, want := range map[string]string{
		"P": "P", "ctrl+x": "ctrl+x", "Ctrl+Shift+X": "ctrl+shift+x", "shift+ctrl+a": "ctrl+shift+a",
		"PageUp": "pgup", "escape": "esc", "Enter": "enter", " ": "space", "F5": "f5", "+": "+", "ctrl++": "ctrl++",
		"alt+ctrl+Delete": "ctrl+alt+delete",
	} {
		got, err := NormalizeKey(in)
		if err != nil || got != want {
			t.Errorf("NormalizeKey(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "hyperdrive", "cmd+x", "ctrl+", "f99"} {
		if got, err := NormalizeKey(bad); err == nil {
			t.Errorf("NormalizeKey(%q) = %q, want an error", bad, got)
		}
	}
}

func keysFrom(t *testing.T, body string) (*Config, error) {
	t.Helper()
	dir := t.TempDir()
	p := writeFile(t, dir, "c.toml", body)
	c, err := Load(LoadOptions{Path: p, Home: dir})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.UIKeys()
	return c, err
}

func TestKeyRemapApplies(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "c.toml", "[keys]\n\"sandbox.pause\" = [\"Z\", \"ctrl+p\"]\n\"logs.follow\" = \"F\"\n\"sandbox.delete\" = []\n")
	c, err := Load(LoadOptions{Path: p, Home: dir})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := c.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	b := keys.Bindings()
	if got := strings.Join(b["sandbox.pause"].Keys(), ","); got != "Z,ctrl+p" {
		t.Errorf("sandbox.pause keys %s", got)
	}
	if b["sandbox.pause"].Help().Key != "Z/ctrl+p" || b["sandbox.pause"].Help().Desc == "" {
		t.Errorf("help not updated: %+v", b["sandbox.pause"].Help())
	}
	if keys.Logs.Follow.Keys()[0] != "F" {
		t.Errorf("logs.follow not remapped in the logs keymap: %v", keys.Logs.Follow.Keys())
	}
	if b["sandbox.delete"].Enabled() || len(b["sandbox.delete"].Keys()) != 0 {
		t.Error("[] must unbind sandbox.delete")
	}
}

func TestKeyClashIsReportedNotResolved(t *testing.T) {
	_, err := keysFrom(t, "[keys]\n\"sandbox.delete\" = \"j\"\n")
	if err == nil {
		t.Fatal("binding delete to j (move down) must be refused")
	}
	msg := err.Error()
	for _, want := range []string{"key clash", `"j"`, "sandbox.delete", "sandboxes.down", "sandboxes table"} {
		if !strings.Contains(msg, want) {
			t.Errorf("clash message lacks %q: %s", want, msg)
		}
	}
}

func TestUnknownActionHasLineAndSuggestion(t *testing.T) {
	c, err := keysFrom(t, "theme = \"dark\"\n[keys]\n\"sandbox.pawse\" = \"P\"\n\"logs.follow\" = \"hyperdrive\"\n")
	if err == nil {
		t.Fatal("want errors")
	}
	msg := err.Error()
	for _, want := range []string{c.Meta.File + `:3: unknown action "sandbox.pawse"`, "sandbox.pause", c.Meta.File + ":4: logs.follow", "hyperdrive"} {
		if !strings.Contains(msg, want) {
			t.Errorf("message lacks %q: %s", want, msg)
		}
	}
}

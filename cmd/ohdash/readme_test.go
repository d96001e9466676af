package main

import (
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
	"github.com/ohdash/ohdash/ui"
	"github.com/ohdash/ohdash/ui/events"
)

// The README documents the command line, the configuration, the key
// bindings and the JSON fields; this test keeps it true as they change.
func TestReadmeDocumentsTheInterfaces(t *testing.T) {
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	readme := string(b)
	need := func(what, s string) {
		t.Helper()
		if !strings.Contains(readme, s) {
			t.Errorf("README does not document %s: %q", what, s)
		}
	}
	for _, c := range commands() {
		if c.hidden || c.name == dashboardName || c.name == "help" {
			continue
		}
		need("a command", "ohdash "+c.name)
		for _, sub := range c.subs {
			need("a subcommand", sub.name)
		}
	}
	for _, s := range config.Settings() {
		need("a setting", "`"+s.Key+"`")
		need("an environment variable", "`"+s.Env+"`")
		if s.Flag != "" {
			need("a flag", "`--"+s.Flag+"`")
		}
	}
	keys := ui.DefaultKeys()
	for action, b := range keys.Bindings() {
		cell := "| `" + action + "` | `" + strings.Join(b.Keys(), "` `") + "` |"
		need("a key binding", cell)
	}
	for _, v := range []any{sandboxJSON{}, urlJSON{}, conversationJSON{}, guard.Entry{}} {
		ty := reflect.TypeOf(v)
		for i := range ty.NumField() {
			name, _, _ := strings.Cut(ty.Field(i).Tag.Get("json"), ",")
			need("a JSON field of "+ty.Name(), "`"+name+"`")
		}
	}
	need("the low-bandwidth frame rate", fmt.Sprintf("%d frames a second at most (%d otherwise)", ui.LowBandwidthFPS, ui.DefaultFPS))
	need("the low-bandwidth frame rate", fmt.Sprintf("caps the frame rate at %d per second (%d otherwise)", ui.LowBandwidthFPS, ui.DefaultFPS))
	need("the events pane's tail", fmt.Sprintf("newest %d events", events.DefaultTail))
	need("the events pane's cap", fmt.Sprintf("at most %d,%03d events", events.DefaultMaxEvents/1000, events.DefaultMaxEvents%1000))
	for _, code := range []string{"| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 4 |", "| 5 |", "| 130 |"} {
		need("an exit code", code)
	}
}

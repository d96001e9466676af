package config

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/BurntSushi/toml"
)

// The [alerts] table loads, prints back as valid TOML that loads to the
// same values, and masks a token in the hook's command line.
func TestAlertsConfigRoundTripsAndMasks(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "c.toml", `
[alerts]
bell = true
osc777 = true
command = ["/usr/local/bin/notify", "--url", "https://hook.example/x?token=hook-secret-123456"]
kinds = ["waiting_for_confirmation", "sandbox_died", "budget"]
rate_per_minute = 3
command_timeout = "5s"
`)
	c, err := Load(LoadOptions{Path: p, Home: dir, Getenv: env{"OHDASH_ALERTS_OSC9": "true"}.get})
	if err != nil {
		t.Fatal(err)
	}
	a := c.Alerts
	if !a.Bell || !a.OSC9 || !a.OSC777 || len(a.Command) != 3 || len(c.AlertKinds()) != 3 || a.RatePerMinute != 3 || a.CommandTimeout.Std().Seconds() != 5 {
		t.Fatalf("alerts = %+v", a)
	}
	keys, err := c.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	if err := c.Print(&text, keys); err != nil {
		t.Fatal(err)
	}
	if err := c.PrintJSON(&js, keys); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), js.String()} {
		if strings.Contains(out, "hook-secret-123456") {
			t.Fatalf("the hook's token leaked:\n%s", out)
		}
		if !strings.Contains(out, "sandbox_died") {
			t.Errorf("kinds missing:\n%s", out)
		}
	}
	var back struct {
		Alerts AlertsConfig `toml:"alerts"`
	}
	if _, err := toml.Decode(text.String(), &back); err != nil {
		t.Fatalf("printout is not TOML: %v\n%s", err, text.String())
	}
	if !back.Alerts.Bell || !back.Alerts.OSC9 || back.Alerts.RatePerMinute != 3 || len(back.Alerts.Kinds) != 3 || len(back.Alerts.Command) != 3 {
		t.Errorf("printed alerts read back as %+v\n%s", back.Alerts, text.String())
	}
	// The printout of the defaults is valid TOML too, and loads.
	def, err := load(t, env{})
	if err != nil {
		t.Fatal(err)
	}
	var dtext bytes.Buffer
	if err := def.Print(&dtext, keys); err != nil {
		t.Fatal(err)
	}
	saved := filepath.Join(dir, "saved.toml")
	if err := os.WriteFile(saved, dtext.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Load(LoadOptions{Path: saved, Home: dir}); err != nil {
		t.Fatalf("the printed defaults do not load: %v\n%s", err, dtext.String())
	}
}

func TestAlertsConfigRefusesUnknownKinds(t *testing.T) {
	dir := t.TempDir()
	for _, body := range []string{
		"[alerts]\nkinds = [\"waiting\"]\n",
		"[alerts]\ncommand = [\"\"]\n",
		"[alerts]\nrate_per_minute = -1\n",
	} {
		p := writeFile(t, dir, "bad.toml", body)
		if _, err := Load(LoadOptions{Path: p, Home: dir}); err == nil {
			t.Errorf("accepted %q", body)
		}
	}
}

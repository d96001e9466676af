package main

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// The dashboard settings reach the UI's configuration, from flags and
// from the environment alike.
func TestDashboardSettingsReachTheUI(t *testing.T) {
	h := newHarness(t)
	h.env["OHDASH_THEME"] = "light"
	h.writeConfig("docker = []\nmouse = true\n[logs]\ntail = 42\n")
	a := h.testApp("--low-bandwidth", "--readonly", "--image", "agent:9")
	keys, err := a.cfg.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	c := a.uiConfig(backend.NewHub(), keys)
	if !c.LowBandwidth || !c.ReadOnly || !c.Mouse || c.Start.Image != "agent:9" || c.Logs.Tail != 42 {
		t.Fatalf("ui config %+v", c)
	}
	if c.Theme.Dark || !c.FixedTheme {
		t.Errorf("theme light from the environment: dark=%v fixed=%v", c.Theme.Dark, c.FixedTheme)
	}
	if n := len(a.programOptions(t.Context())); n != 4 {
		t.Errorf("%d program options, want context, input, output and the frame-rate cap", n)
	}
}

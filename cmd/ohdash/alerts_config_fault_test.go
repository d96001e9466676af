package main

import (
	"strings"
	"testing"
)

// TestFaultBadAlertAndBudgetConfig: every malformed [alerts] or [budget]
// value is refused with exit 2 and a message naming the key or line, never a
// crash, a silently disabled channel or a budget that limits nothing.
func TestFaultBadAlertAndBudgetConfig(t *testing.T) {
	for _, tc := range []struct{ body, key string }{
		{"[alerts]\ncommand = \"notify-send\"\n", "command"},
		{"[alerts]\ncommand = [\"\"]\n", "command"},
		{"[alerts]\ncommand = [1, 2]\n", "command"},
		{"[alerts]\nkinds = [\"bogus\"]\n", "bogus"},
		{"[alerts]\nkinds = \"error\"\n", "kinds"},
		{"[alerts]\nrate_per_minute = -1\n", "rate_per_minute"},
		{"[alerts]\nrate_per_minute = 99999999999999999999\n", "rate_per_minute"},
		{"[alerts]\ncommand_timeout = \"-1s\"\n", "command_timeout"},
		{"[alerts]\ncommand_timeout = \"abc\"\n", "command_timeout"},
		{"[alerts]\nbell = \"yes\"\n", "bell"},
		{"[budget]\nper_hour = -1\n", "per_hour"},
		{"[budget]\nper_hour = nan\n", "per_hour"},
		{"[budget]\nper_hour = inf\n", "per_hour"},
		{"[budget]\nper_day = \"abc\"\n", "per_day"},
		{"[budget]\nper_day = 1e999\n", "per_day"},
		{"[budget.backends.nosuch]\nper_day = 1\n", "nosuch"},
	} {
		h := newHarness(t)
		h.writeConfig("docker = []\n" + tc.body)
		r := h.must(exitUsage, "spend")
		// The key, or the line (a value the TOML decoder refuses).
		if !strings.Contains(r.stderr, tc.key) && !strings.Contains(r.stderr, "line 3:") {
			t.Errorf("%q: stderr names neither %s nor the line:\n%s", tc.body, tc.key, r.stderr)
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFaultSpendHistoryIsADirectory: spend.db is a directory (it cannot
// be moved aside as damaged). `ohdash spend` still prints the live
// totals, says the history is unusable, and — a budget being configured
// — that the budget is not checked; the directory is left alone.
func TestFaultSpendHistoryIsADirectory(t *testing.T) {
	h := newHarness(t)
	startFleet(t, h, 2)
	cfg, _ := os.ReadFile(h.configPath())
	h.writeConfig(string(cfg) + "[budget]\nper_hour = 5\n")
	path := filepath.Join(h.home, ".local", "state", "ohdash", "spend.db")
	if err := os.MkdirAll(filepath.Join(path, "keep"), 0o700); err != nil {
		t.Fatal(err)
	}
	out, r := spendOf(t, h, exitOK)
	if out.Total.Conversations == 0 || !strings.Contains(r.stderr, "without history") || !strings.Contains(r.stderr, "budget] is NOT checked") {
		t.Fatalf("total %+v, stderr %q", out.Total, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(path, "keep")); err != nil {
		t.Fatalf("the directory was touched: %v", err)
	}
}

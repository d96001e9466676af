package sandboxes

import (
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
)

// A long name loses its shared prefix first, then its middle: both ends
// of the distinctive part stay visible.
func TestFitNameKeepsTheDistinctiveEnd(t *testing.T) {
	cases := []struct {
		id, prefix string
		w          int
		want       string
	}{
		{"oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE", "oh-agent-server-", 40, "oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE"},
		{"oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE", "oh-agent-server-", 30, "oh-agen…4kVdr9XqzLmPw2Bn7TsYcE"},
		{"openhands-runtime-9f3c2a7e5b1d4c8e9a0b1c2d3e4f5a6b", "openhands-runtime-", 36, "ope…9f3c2a7e5b1d4c8e9a0b1c2d3e4f5a6b"},
		{"openhands-runtime-9f3c2a7e5b1d4c8e9a0b1c2d3e4f5a6b", "openhands-runtime-", 21, "9f3c2a7e5b…2d3e4f5a6b"},
		{"no-prefix-known-abcdefghijklmnop", "", 21, "no-prefix-…ghijklmnop"},
	}
	for _, c := range cases {
		got := fitName(c.id, c.prefix, c.w)
		if got != c.want {
			t.Errorf("fitName(%q, %d) = %q, want %q", c.id, c.w, got, c.want)
		}
		if n := len([]rune(got)); n > c.w {
			t.Errorf("fitName(%q, %d) is %d wide", c.id, c.w, n)
		}
	}
}

// A sandbox never probed says "unknown", as ohdash ls does, not an
// ellipsis that reads as loading for ever.
func TestHealthUnknownIsSaid(t *testing.T) {
	th := theme.New(true)
	if got := ansi.Strip(healthCell(th, backend.Sandbox{Status: backend.StatusRunning})); got != "unknown" {
		t.Errorf("health cell %q, want unknown", got)
	}
	if got := backend.HealthUnknown.String(); got != "unknown" {
		t.Errorf("ls says %q", got)
	}
}

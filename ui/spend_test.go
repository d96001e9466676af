package ui

import (
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/spend"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// The spend tab in the dashboard's layout: $ shows it, it lists every
// running sandbox's conversations, and the tab bar names it.
func TestGoldenSpendTab(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		name := fmt.Sprintf("spend_%dx%d", size[0], size[1])
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			src := &fakeConvs{}
			h := newHarness(t, size[0], size[1], Config{Conversations: src, Spend: &spend.Monitor{}}, fixtureSandboxes()...)
			var list []backend.Conversation
			for _, sb := range h.m.allSandboxes() {
				if sb.Status == backend.StatusRunning {
					list = append(list, fixtureConversations(sb)...)
				}
			}
			src.mu.Lock()
			src.list = list
			src.mu.Unlock()
			h.run(h.key("$"))
			v := h.view()
			checkShape(t, v, size[0], size[1])
			if plain := ansi.Strip(v); !strings.Contains(plain, "$ Spend") || !strings.Contains(plain, "BY MODEL") {
				t.Fatalf("the spend tab is not shown:\n%s", plain)
			}
			testkit.Golden(t, name, v)
		})
	}
}

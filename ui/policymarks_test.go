package ui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
)

// typePolicy types text into the open composer and submits it.
func typePolicy(h *harness, text string) {
	h.t.Helper()
	for _, r := range text {
		k := string(r)
		if r == ' ' {
			k = "space"
		}
		h.key(k)
	}
	if cmd := h.key("enter"); cmd != nil {
		h.send(cmd())
	}
}

// W marks the shown sandboxes a prune policy selects (the rule of ohdash
// prune: a known sandbox prefix first), and the bulk keys act on them.
func TestMarkByPolicy(t *testing.T) {
	sbs := manySandboxes(9) // every third paused, created 0..8 minutes ago
	sbs = append(sbs, backend.Sandbox{ID: "myapp-paused-container-1", Source: "docker", Status: backend.StatusPaused, CreatedAt: testNow.Add(-time.Hour)})
	h := newHarness(t, 120, 40, Config{}, sbs...)
	h.key("W")
	if h.m.composer == nil || !strings.Contains(ansi.Strip(h.view()), "prune policy") {
		t.Fatalf("W opened no policy prompt:\n%s", ansi.Strip(h.view()))
	}
	typePolicy(h, "status=PAUSED older=4m")
	// Paused: bulk002 (2m), bulk005 (5m), bulk008 (8m); older than 4m:
	// 005 and 008. myapp-paused has no sandbox prefix: never marked.
	got := h.m.table.Marked()
	if len(got) != 2 || got[0].ID == "myapp-paused-container-1" || got[1].ID == "myapp-paused-container-1" {
		t.Fatalf("marked %v, want bulk005 and bulk008", got)
	}
	if v := ansi.Strip(h.view()); !strings.Contains(v, "marked 2 of 10 shown sandboxes") {
		t.Errorf("no count said:\n%s", v)
	}
	// A filter narrows what the policy sees.
	h.key("u")
	h.key("/")
	for _, k := range []string{"0", "0", "8"} {
		h.key(k)
	}
	h.key("enter")
	h.key("W")
	typePolicy(h, "status=PAUSED")
	if got := h.m.table.Marked(); len(got) != 1 || !strings.HasSuffix(got[0].ID, "008") {
		t.Fatalf("with the filter: marked %v, want bulk008 only", got)
	}
	// A bad policy marks nothing and says why; idle is ohdash prune's.
	h.key("u")
	for _, bad := range []string{"idle=2h", "status=sleeping"} {
		h.key("W")
		typePolicy(h, bad)
		if h.m.table.MarkCount() != 0 || !strings.Contains(ansi.Strip(h.view()), "policy:") {
			t.Errorf("%q: %d marked\n%s", bad, h.m.table.MarkCount(), ansi.Strip(h.view()))
		}
	}
}

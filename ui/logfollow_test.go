package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// The whole dashboard: the sandbox under the cursor is deleted and
// created again under the same name; the next snapshot (the cursor never
// moved) turns the logs tab to the new container's lines.
func TestLogsTabFollowsSandboxRecreatedUnderSameName(t *testing.T) {
	t.Parallel()
	sbs := fixtureSandboxes()
	for i := range sbs {
		sbs[i].Instance = "c0ffee012345678" + string(rune('0'+i))
	}
	h := newHarness(t, 120, 40, Config{}, sbs...)
	h.run(h.key("1"))
	if v := ansi.Strip(h.view()); !strings.Contains(v, "agent-server starting on :8000") {
		t.Fatalf("the logs tab does not show the first container's lines:\n%s", v)
	}
	sel, _ := h.m.table.Selected()
	text, width := sanitize.String("INFO  a brand-new container says hello", sanitize.Options{})
	h.fb.SetLogs(sel.ID, logbuf.Line{Seq: 1, Time: testNow, Stream: logbuf.Stdout, Text: text, Width: width})
	for i := range sbs {
		if sbs[i].ID == sel.ID {
			sbs[i].Instance = "beef0123456789ab"
		}
	}
	h.fb.SetSandboxes(sbs...)
	h.run(h.send(snapshotMsg{snap: <-h.fb.Watch(h.m.ctx)}))
	v := ansi.Strip(h.view())
	if !strings.Contains(v, "a brand-new container says hello") || strings.Contains(v, "agent-server starting on :8000") {
		t.Fatalf("after the sandbox was recreated the logs tab shows:\n%s", v)
	}
}

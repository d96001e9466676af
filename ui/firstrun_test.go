package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// The engine's whole answer when a new sandbox's image is missing: the
// reason is at its end, after the image name and the pull's request.
var errImageMissing = fmt.Errorf(`start: image ghcr.io/openhands/agent-server:1.43.1-python: %w: not on the engine, and pulling it failed: Error response from daemon: Get "https://ghcr.io/v2/": dial tcp: lookup ghcr.io on 10.255.255.53:53: no such host`, backend.ErrImageUnavailable)

// A failed create shows the whole error, wrapped over the rows it needs
// (up to four), with the reason and the fix, not cut at the width.
func TestCreateFailureShowsReasonAndFix(t *testing.T) {
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(fmt.Sprintf("%dx%d", size[0], size[1]), func(t *testing.T) {
			t.Parallel()
			h := newHarness(t, size[0], size[1], Config{}, fixtureSandboxes()...)
			h.fb.FailNext(errImageMissing)
			h.key("c")
			h.run(h.key("y"))
			v := h.view()
			checkShape(t, v, size[0], size[1])
			testkit.Golden(t, fmt.Sprintf("create_failed_%dx%d", size[0], size[1]), v)
			flat := strings.Join(strings.Fields(ansi.Strip(v)), " ")
			for _, want := range []string{"no such host", "OHDASH_IMAGE", "ohdash sim up"} {
				if !strings.Contains(flat, want) {
					t.Errorf("the view lacks %q:\n%s", want, ansi.Strip(v))
				}
			}
		})
	}
}

// An empty list says why it is empty: "no sandboxes yet" only when the
// source answered; an engine that does not answer is named with its error
// and what to check, never shown as an empty engine.
func TestEmptyListTellsUnreachableFromEmpty(t *testing.T) {
	unreachable := backend.ConnState{Phase: backend.ConnReconnecting, Since: testNow.Add(-20 * time.Second),
		NextRetry: testNow.Add(4 * time.Second),
		Err:       fmt.Errorf("list containers: %w: Cannot connect to the Docker daemon at tcp://10.0.0.9:2375. Is the docker daemon running?", backend.ErrUnavailable)}
	cases := []struct {
		name       string
		conn       *backend.ConnState
		want, nope string
	}{
		{"empty_live", nil, "no sandboxes yet on docker", "does not answer"},
		{"empty_unreachable", &unreachable, "tcp://10.0.0.9:2375", "no sandboxes yet"},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, c := range cases {
			name := fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				t.Parallel()
				h := newHarness(t, size[0], size[1], Config{})
				if c.conn != nil {
					h.fb.SetConn(*c.conn)
					h.send(snapshotMsg{snap: <-h.fb.Watch(h.m.ctx)})
				}
				v := h.view()
				checkShape(t, v, size[0], size[1])
				testkit.Golden(t, name, v)
				flat := strings.Join(strings.Fields(ansi.Strip(v)), " ")
				if !strings.Contains(flat, c.want) || strings.Contains(flat, c.nope) {
					t.Errorf("want %q and not %q in:\n%s", c.want, c.nope, ansi.Strip(v))
				}
			})
		}
	}
}

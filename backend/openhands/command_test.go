package openhands

import (
	"bytes"
	"errors"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/appserver"
)

// An app-server sandbox runs a command through its agent-server's bash
// API (found through the app-server); a paused one is a conflict.
func TestRunCommandThroughAgentServer(t *testing.T) {
	s := startSim(t, appserver.Config{}, appserver.SeedOptions{Sandboxes: 2, Paused: 1})
	b := newBackend(t, s, testKey)
	sbs, err := b.List(ctxT(t))
	if err != nil {
		t.Fatal(err)
	}
	if !backend.Supports(b, backend.CapCommand) || backend.Supports(b, backend.CapExec) {
		t.Fatal("an app-server backend runs commands and has no exec")
	}
	for _, sb := range sbs {
		var out bytes.Buffer
		code, err := b.RunCommand(ctxT(t), sb.ID, backend.CommandRequest{Command: "echo hi; exit 2", Stdout: &out})
		switch sb.Status {
		case backend.StatusRunning:
			if err != nil || code != 2 || out.String() != "hi\n" {
				t.Fatalf("running: code %d, err %v, out %q", code, err, out.String())
			}
		case backend.StatusPaused:
			if !errors.Is(err, backend.ErrConflict) {
				t.Fatalf("paused: %v, want ErrConflict", err)
			}
		}
	}
}

package agentserver

import (
	"context"
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

// RunInSandbox runs a command line through the bash API of sb's
// agent-server (its AGENT_SERVER URL and session key): how backends
// without an exec API (the remote runtime API, an app-server) implement
// backend.CommandRunner. A sandbox that is not running is ErrConflict.
func RunInSandbox(ctx context.Context, sb backend.Sandbox, req backend.CommandRequest, opts Options) (int, error) {
	if sb.Status != backend.StatusRunning {
		return 0, fmt.Errorf("run a command in %s: it is %s, not running: %w", sb.ID, sb.Status, backend.ErrConflict)
	}
	c, err := ForSandbox(sb, opts)
	if err != nil {
		return 0, err
	}
	code, err := c.RunBash(ctx, req)
	if err != nil {
		return 0, fmt.Errorf("run a command in %s: %w", sb.ID, err)
	}
	return code, nil
}

package openhands

import (
	"context"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/agentserver"
)

var _ backend.CommandRunner = (*Backend)(nil)

// RunCommand runs a command line in a sandbox through its agent-server's
// bash API: an app-server offers no exec, so there is no terminal and no
// input, only a command and its output.
func (b *Backend) RunCommand(ctx context.Context, id string, req backend.CommandRequest) (int, error) {
	sb, err := b.Get(ctx, id)
	if err != nil {
		return 0, err
	}
	return agentserver.RunInSandbox(ctx, sb, req, agentserver.Options{HTTPClient: b.opts.HTTPClient})
}

package remote

import (
	"context"
	"fmt"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/agentserver"
)

var _ backend.CommandRunner = (*Backend)(nil)

// RunCommand runs a command line in a sandbox through its agent-server's
// bash API: the runtime API has no exec, so there is no terminal and no
// input, only a command and its output.
func (b *Backend) RunCommand(ctx context.Context, id string, req backend.CommandRequest) (int, error) {
	sbs, err := b.List(ctx)
	if err != nil && len(sbs) == 0 {
		return 0, err
	}
	for _, sb := range sbs {
		if sb.ID == id {
			return agentserver.RunInSandbox(ctx, sb, req, agentserver.Options{})
		}
	}
	return 0, fmt.Errorf("%s: sandbox %s: %w", b.Name(), id, backend.ErrNotFound)
}

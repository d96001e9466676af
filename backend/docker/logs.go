package docker

import (
	"context"
	"fmt"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// Logs is not implemented yet: it waits for the logbuf pipeline.
func (b *Backend) Logs(ctx context.Context, id string, opts backend.LogOptions) (<-chan logbuf.Batch, error) {
	return nil, fmt.Errorf("logs %s: %w", id, backend.ErrUnsupported)
}

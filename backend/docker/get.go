package docker

import (
	"context"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Get reads one sandbox as it is now: one inspect, and a health probe when
// it runs. A conversation stream that lost its agent-server asks this on
// every reconnect (a restart publishes new host ports), so it must not cost
// a list and a probe of every sandbox on the engine.
func (b *Backend) Get(ctx context.Context, id string) (backend.Sandbox, error) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	c, err := b.inspectSandbox(ctx, "get", id)
	if err != nil {
		return backend.Sandbox{}, err
	}
	r, ok := recordFromInspect(b.opts.Prefixes, c)
	if !ok {
		return backend.Sandbox{}, fmt.Errorf("get %s: not a sandbox: %w", id, backend.ErrNotFound)
	}
	b.cache.put(r.ID, *r.det)
	v := b.view(time.Now())
	h := backend.Health{State: backend.HealthNone}
	if u := v.agentURL(r); u != "" && r.State == "running" {
		h = b.prober.probe(ctx, u)
	}
	return v.sandbox(r, h), nil
}

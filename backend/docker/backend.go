package docker

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

// listTimeout bounds one list or inspect call, so a wedged engine turns
// into a visible reconnect instead of a silent hang.
const listTimeout = 30 * time.Second

// Backend is the Docker engine backend: OpenHands sandboxes are the
// containers whose names carry a sandbox prefix. It is safe for concurrent
// use; every Watch has its own event subscription.
type Backend struct {
	opts   Options
	ep     Endpoint
	cli    *client.Client
	prober *prober
	bind   netip.Addr
	cache  detailCache
	engine engineCache
	// stats remembers, between Stats calls, the previous counters and
	// where each sandbox's cgroup is (see stats.go).
	stats statsState
	// closeDial releases the SSH connection of the built-in ssh dialer.
	closeDial func() error
	// closeIdle releases the idle connections to the engine.
	closeIdle func()
	// streams carries exec's hijacked streams (see newStreamClient).
	streams *client.Client
	// execSetup overrides execSetupWait (tests).
	execSetup time.Duration
}

var (
	_ backend.Backend        = (*Backend)(nil)
	_ backend.LogStreamer    = (*Backend)(nil)
	_ backend.SandboxStopper = (*Backend)(nil)
)

// New resolves the engine endpoint (see ResolveEndpoint) and returns a
// backend for it. It does not contact the engine: an engine that is down
// shows up as a reconnecting Watch, not as an error here.
func New(opts Options) (*Backend, error) {
	opts = opts.withDefaults()
	if err := opts.validate(); err != nil {
		return nil, fmt.Errorf("docker backend: %w", err)
	}
	bind, err := netip.ParseAddr(opts.BindAddress)
	if err != nil {
		return nil, fmt.Errorf("docker backend: bind address %q: %w", opts.BindAddress, err)
	}
	ep, err := ResolveEndpoint(opts.Host, opts.Context, opts.Getenv)
	if err != nil {
		return nil, fmt.Errorf("docker backend: %w", err)
	}
	dialers, closeDial := withSSHDialer(ep, opts.Dialers, opts.Getenv)
	cli, closeIdle, err := newClient(ep, dialers)
	if err != nil {
		_ = closeDial()
		return nil, fmt.Errorf("docker backend: %w", err)
	}
	streams, err := newStreamClient(ep, dialers)
	if err != nil {
		closeIdle()
		_ = closeDial()
		return nil, fmt.Errorf("docker backend: %w", err)
	}
	return &Backend{
		opts: opts, ep: ep, cli: cli, bind: bind, closeIdle: closeIdle, closeDial: closeDial, streams: streams,
		prober: newProber(opts.HealthTimeout),
		cache:  detailCache{m: map[string]details{}},
	}, nil
}

// Name identifies the source ("docker" unless configured).
func (b *Backend) Name() string { return b.opts.Name }

// Endpoint is the engine address in use and where it came from.
func (b *Backend) Endpoint() Endpoint { return b.ep }

// Close releases idle connections to the engine, and the SSH connection
// of an ssh:// engine. Streams and watches stop with their contexts.
func (b *Backend) Close() error {
	b.closeStats()
	b.closeIdle()
	return errors.Join(b.cli.Close(), b.streams.Close(), b.closeDial())
}

// view returns the settings that turn records into sandboxes, at now.
func (b *Backend) view(now time.Time) view {
	return view{
		source: b.opts.Name, pattern: b.opts.URLPattern, jwtSecret: b.opts.JWTSecret.Reveal(),
		grace: b.opts.StartupGrace, now: now, engine: b.KnownEngine().String(),
	}
}

// listRecords lists every sandbox container, stopped ones included. The
// engine filters by name (see nameFilters); the prefix is checked again
// here because the engine's name filter is a substring match.
func (b *Backend) listRecords(ctx context.Context) ([]record, error) {
	return b.listFiltered(ctx, nameFilters(b.opts.Prefixes))
}

// listFiltered lists the containers the engine's filter f selects and
// keeps those that are sandboxes.
func (b *Backend) listFiltered(ctx context.Context, f client.Filters) ([]record, error) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	res, err := b.cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return nil, engineErr("list containers", "", err)
	}
	recs := make([]record, 0, len(res.Items))
	for _, s := range res.Items {
		if r, ok := recordFromSummary(b.opts.Prefixes, s); ok {
			recs = append(recs, r)
		}
	}
	return recs, nil
}

// inspectDetails inspects one container and caches what it tells.
func (b *Backend) inspectDetails(ctx context.Context, id string) (details, error) {
	ctx, cancel := context.WithTimeout(ctx, listTimeout)
	defer cancel()
	res, err := b.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if err != nil {
		return details{}, engineErr("inspect", id, err)
	}
	d := detailsFromInspect(res.Container)
	b.cache.put(id, d)
	return d, nil
}

// List lists the sandboxes once, with details and a health probe of each
// running one: for scripts. Unchanged containers are not inspected again.
func (b *Backend) List(ctx context.Context) ([]backend.Sandbox, error) {
	recs, err := b.listRecords(ctx)
	if err != nil {
		return nil, err
	}
	b.engineKind(ctx) // for the details' Engine field
	now := time.Now()
	v := b.view(now)
	healths := make([]backend.Health, len(recs))
	sem := make(chan struct{}, b.opts.HealthParallel)
	var wg sync.WaitGroup
	for i := range recs {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r := &recs[i]
			if d, ok := b.cache.get(r.ID, r.State); ok {
				r.det = &d
			} else if d, err := b.inspectDetails(ctx, r.ID); err == nil {
				r.det = &d
			}
			healths[i] = backend.Health{State: backend.HealthNone}
			if u := v.agentURL(*r); u != "" && r.State == "running" {
				healths[i] = b.prober.probe(ctx, u)
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	out := make([]backend.Sandbox, len(recs))
	for i, r := range recs {
		out[i] = v.sandbox(r, healths[i])
	}
	sortSandboxes(out)
	b.cache.keepOnly(recs)
	return out, nil
}

// sortSandboxes orders newest first, as OpenHands' search does.
func sortSandboxes(s []backend.Sandbox) {
	slices.SortStableFunc(s, func(a, b backend.Sandbox) int {
		if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
}

// detailCache keeps inspect results per container id, shared by List and
// every Watch, so a container is inspected once per state change.
type detailCache struct {
	mu sync.Mutex
	m  map[string]details
}

// get returns the cached details if they were taken in the given state.
func (c *detailCache) get(id, state string) (details, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	d, ok := c.m[id]
	return d, ok && d.State == state
}

func (c *detailCache) put(id string, d details) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m[id] = d
}

func (c *detailCache) drop(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, id)
}

// keepOnly forgets containers that are gone.
func (c *detailCache) keepOnly(recs []record) {
	keep := make(map[string]bool, len(recs))
	for _, r := range recs {
		keep[r.ID] = true
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	for id := range c.m {
		if !keep[id] {
			delete(c.m, id)
		}
	}
}

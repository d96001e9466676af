// Package demo runs `ohdash demo`: a whole simulated OpenHands deployment
// in the process (the runtime API simulator, whose runtimes serve
// agent-server emulators with scripted conversations), seen through the
// real remote backend, beside a simulated OpenHands app-server seen
// through the real openhands backend, so a newcomer sees ohdash working without Docker or
// OpenHands.
package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/openhands"
	"github.com/ohdash/ohdash/backend/remote"
	"github.com/ohdash/ohdash/backend/sim/appserver"
	"github.com/ohdash/ohdash/backend/sim/fleet"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// Options shape the demo. Zero fields take the defaults.
type Options struct {
	// Seed makes sandbox ids and conversations reproducible, which keeps
	// recordings (demo.tape) stable. The default, DefaultSeed, gives
	// running, paused and failing sandboxes.
	Seed uint64
	// Sandboxes is how many sandboxes exist at start (default 6).
	Sandboxes int
	// Conversations per sandbox (default 3).
	Conversations int
	// Pace is the scripted agents' pause between steps (default 2s).
	Pace time.Duration
	// Poll is the remote backend's polling interval (default 1s, so
	// actions show quickly).
	Poll time.Duration
}

func (o *Options) defaults() {
	if o.Seed == 0 {
		o.Seed = DefaultSeed
	}
	if o.Sandboxes <= 0 {
		o.Sandboxes = 6
	}
	if o.Conversations <= 0 {
		o.Conversations = 3
	}
	if o.Pace <= 0 {
		o.Pace = 2 * time.Second
	}
	if o.Poll <= 0 {
		o.Poll = time.Second
	}
}

// DefaultSeed gives six sandboxes: four running, one paused, one
// crash-looping.
const DefaultSeed = 15

// Name is the demo backend's source name.
const Name = "demo"

// CloudName is the source name of the demo's simulated OpenHands
// app-server (what OpenHands Cloud or a self-hosted OpenHands serves).
const CloudName = "cloud-demo"

// Demo is a running simulated deployment.
type Demo struct {
	// Fleet is the simulator (runtime API plus agent-servers).
	Fleet *fleet.Fleet
	// Backend is the remote backend over the fleet, with simulated
	// container logs added.
	Backend backend.Backend
	// AppServer is the simulated app-server; Cloud the openhands
	// backend over it, named CloudName.
	AppServer *appserver.Server
	Cloud     *openhands.Backend
}

// Backends are the demo's backends, in the order the dashboard lists
// them.
func (d *Demo) Backends() []backend.Backend { return []backend.Backend{d.Backend, d.Cloud} }

// startCloud starts the app-server simulator, seeded with a few
// sandboxes (one paused) and conversations (one a sub-conversation), its
// start tasks paced so `C` shows each status for a moment.
func startCloud(ctx context.Context, o Options) (*appserver.Server, *openhands.Backend, error) {
	key := fmt.Sprintf("demo-cloud-key-%016x", o.Seed) // loopback only; never shown (masked)
	s, err := appserver.Start(ctx, appserver.Config{
		APIKey: key, StepDelay: 700 * time.Millisecond, StartDelay: 2 * time.Second, Pace: o.Pace, Seed: o.Seed,
	})
	if err != nil {
		return nil, nil, err
	}
	if _, err := s.Seed(appserver.SeedOptions{Sandboxes: 3, Paused: 1, Conversations: 7, SubConversations: 1}); err != nil {
		s.Close()
		return nil, nil, err
	}
	b, err := openhands.New(openhands.Options{Name: CloudName, URL: s.URL, APIKey: backend.NewSecret(key), PollInterval: o.Poll})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return s, b, nil
}

// Start starts the simulator on a loopback port and connects a remote
// backend to it. Everything stops when ctx is done.
func Start(ctx context.Context, o Options) (*Demo, error) {
	o.defaults()
	f, err := fleet.Start(ctx, fleet.Options{
		Runtimes: o.Sandboxes, Conversations: o.Conversations, Pace: o.Pace, Seed: o.Seed,
		// A paused sandbox and a crash-looping one, so every status shows.
		Mix: runtimeapi.Mix{Paused: 0.2, CrashLoop: 0.15},
	})
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	r, err := remote.New(remote.Options{
		Name: Name, URL: f.URL, APIKey: backend.NewSecret(f.APIKey), PollInterval: o.Poll,
		// No store: the demo leaves no state behind.
	})
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("demo: %w", err)
	}
	s, cloud, err := startCloud(ctx, o)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("demo: app-server: %w", err)
	}
	return &Demo{Fleet: f, Backend: &withLogs{Backend: r, seed: o.Seed}, AppServer: s, Cloud: cloud}, nil
}

// Close stops the simulators.
func (d *Demo) Close() {
	d.AppServer.Close()
	d.Fleet.Close()
}

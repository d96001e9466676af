package main

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/demo"
)

// maxDemoSandboxes bounds demo --sandboxes: the simulator runs them all
// in this process.
const maxDemoSandboxes = 500

func setupDemo(fs *flag.FlagSet) runner {
	var o demo.Options
	fs.Uint64Var(&o.Seed, "seed", demo.DefaultSeed, "seed of the simulated ids and conversations (the same seed gives the same demo)")
	fs.IntVar(&o.Sandboxes, "sandboxes", 6, fmt.Sprintf("how many sandboxes the simulated deployment has (1 to %d)", maxDemoSandboxes))
	fs.DurationVar(&o.Pace, "pace", 2*time.Second, "pause between the scripted agents' steps")
	return func(ctx context.Context, a *app, _ []string) error {
		// Checked here: the demo package would quietly take its default.
		if o.Sandboxes < 1 || o.Sandboxes > maxDemoSandboxes {
			return usagef("--sandboxes must be between 1 and %d, not %d", maxDemoSandboxes, o.Sandboxes)
		}
		if o.Pace <= 0 {
			return usagef("--pace must be positive, not %s", o.Pace)
		}
		keys, err := a.cfg.UIKeys()
		if err != nil {
			return err
		}
		hub, stop, err := a.demoHub(ctx, o)
		if err != nil {
			return err
		}
		defer stop()
		return a.runTUI(ctx, hub, &keys)
	}
}

// demoHub starts the simulated deployment and returns a hub over it. The
// demo writes no audit entries unless an audit log was asked for
// explicitly: acting on a simulator is not worth recording by default.
func (a *app) demoHub(ctx context.Context, o demo.Options) (*backend.Hub, func(), error) {
	d, err := demo.Start(ctx, o)
	if err != nil {
		return nil, nil, err
	}
	if a.cfg.Meta.Sources["audit_log"] == config.SourceDefault {
		a.guard.Audit = nil
	}
	// The demo writes no files: its spend pane shows live totals only.
	a.noSpendHistory = true
	// The demo's backends are the app's: conversations of the app-server
	// are listed through it, and C starts new ones there.
	a.backends, a.built = nil, true
	for _, b := range d.Backends() {
		a.backends = append(a.backends, a.guard.Backend(b))
	}
	return backend.NewHub(a.backends...), d.Close, nil
}

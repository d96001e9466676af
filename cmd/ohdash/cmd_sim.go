package main

import (
	"context"
	"errors"
	"flag"
	"fmt"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker"
	"github.com/ohdash/ohdash/backend/docker/simimage"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

const (
	// simSpecID is the SPEC of every simulated sandbox, so the list says
	// what they are.
	simSpecID = "simulated (ohdash sim)"
	// simMax bounds --sandboxes: a try-out, not a load test.
	simMax = 20
)

// simStatuses are where the seeded conversations of successive
// simulated sandboxes end, so the conversations tab shows a bit of each.
var simStatuses = []string{"waiting_for_confirmation", "running", "finished", "paused", "error"}

// simEnv makes sandbox i's emulator look like a used agent-server: a few
// conversations with history, agents that step at a readable pace, and a
// log of the requests it serves (its test-only synthetic lines off).
func simEnv(i int) map[string]string {
	return map[string]string{
		"AGENTSIM_SEED_CONVERSATIONS": "2",
		"AGENTSIM_SEED_STATUS":        simStatuses[i%len(simStatuses)],
		"AGENTSIM_PACE":               "2s",
		"AGENTSIM_LOG_LINES":          "0",
		"AGENTSIM_ACCESS_LOG":         "1",
	}
}

// simDocker is the Docker backend `ohdash sim` works on: the one
// --backend names, or the only one.
func (a *app) simDocker(ctx context.Context) (backend.Backend, *docker.Backend, error) {
	b, err := a.One(ctx)
	if err != nil {
		return nil, nil, err
	}
	d, ok := guard.Unwrap(b).(*docker.Backend)
	if !ok {
		return nil, nil, usagef("backend %q is not a Docker or Podman engine; ohdash sim needs one (choose it with --backend)", b.Name())
	}
	return b, d, nil
}

func setupSimUp(fs *flag.FlagSet) runner {
	n := fs.Int("sandboxes", 3, fmt.Sprintf("how many simulated sandboxes to start (1 to %d)", simMax))
	return func(ctx context.Context, a *app, _ []string) error {
		if *n < 1 || *n > simMax {
			return usagef("--sandboxes must be between 1 and %d, not %d", simMax, *n)
		}
		b, d, err := a.simDocker(ctx)
		if err != nil {
			return err
		}
		// Refused before the build, not after it.
		if err := a.guard.Refuse(guard.Op{Action: "sim up", Backend: b.Name()}); err != nil {
			return err
		}
		arch, err := d.EngineArch(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.io.err, "building the agent-server emulator (cmd/agentsim) for linux/%s with the Go toolchain…\n", arch)
		bin, err := simimage.Build(ctx, simimage.BuildOptions{Version: currentVersion().Version, GOARCH: arch})
		if err != nil {
			if errors.Is(err, simimage.ErrNoSource) {
				return usageError{err.Error()}
			}
			return err
		}
		ref, made, err := d.ImportSimImage(ctx, bin)
		if err != nil {
			return err
		}
		how := "already on the engine"
		if made {
			how = "imported into the engine, no registry involved"
		}
		fmt.Fprintf(a.io.err, "image %s: %s\n", ref, how)
		for i := range *n {
			actx, cancel := context.WithTimeout(ctx, a.cfg.ActionTimeout.Std())
			sb, err := b.Start(actx, backend.StartRequest{Image: ref, SpecID: simSpecID, Env: simEnv(i)})
			cancel()
			if err != nil {
				return fmt.Errorf("simulated sandbox %d of %d: %w", i+1, *n, err)
			}
			fmt.Fprintln(a.io.out, sb.ID)
		}
		fmt.Fprintf(a.io.err, "started %s on %s; they emulate an agent-server, no agent or LLM runs.\n"+
			"Open the dashboard with 'ohdash'; remove them with 'ohdash sim down'.\n",
			plural(*n, "simulated sandbox", "simulated sandboxes"), b.Name())
		return nil
	}
}

func setupSimDown(fs *flag.FlagSet) runner {
	dry := fs.Bool("dry-run", false, "print the simulated sandboxes that would be removed and change nothing")
	return func(ctx context.Context, a *app, _ []string) error {
		b, _, err := a.simDocker(ctx)
		if err != nil {
			return err
		}
		list, err := b.List(ctx)
		if err != nil {
			return err
		}
		var first error
		removed := 0
		for _, sb := range list {
			if _, ok := sb.Labels[docker.LabelSimulated]; !ok {
				continue // a real sandbox: never touched
			}
			if *dry {
				fmt.Fprintf(a.io.out, "would remove %s\n", backend.CleanText(sb.ID))
				continue
			}
			actx, cancel := context.WithTimeout(ctx, a.cfg.ActionTimeout.Std())
			err := b.Delete(actx, sb.ID)
			cancel()
			if err != nil {
				a.warnf("%v", err)
				if first == nil {
					first = err
				}
				continue
			}
			removed++
			fmt.Fprintln(a.io.out, sb.ID)
		}
		if first == nil {
			fmt.Fprintf(a.io.err, "removed %s from %s\n", plural(removed, "simulated sandbox", "simulated sandboxes"), b.Name())
		}
		return reported(first)
	}
}

// plural is "1 sandbox", "3 sandboxes".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// lifecycle is a sandbox action the command line offers.
type lifecycle struct {
	action backend.Action
	past   string
}

var (
	actionPause  = lifecycle{backend.ActionPause, "paused"}
	actionResume = lifecycle{backend.ActionResume, "resumed"}
	actionDelete = lifecycle{backend.ActionDelete, "deleted"}
)

// setupLifecycle builds pause, resume and rm: resolve every name first
// (one listing), then act on each, reporting failures one by one. The ids
// acted on are printed on stdout; the exit code is the first failure's.
func setupLifecycle(act lifecycle) func(fs *flag.FlagSet) runner {
	return func(fs *flag.FlagSet) runner {
		var yes *bool
		if act.action == backend.ActionDelete {
			yes = fs.Bool("yes", false, "delete without asking (needed when stdin is not a terminal)")
		}
		return func(ctx context.Context, a *app, args []string) error {
			for _, name := range args {
				if err := checkSandboxRef(name); err != nil {
					return err // before anything is asked or done
				}
			}
			r, err := a.resolver(ctx)
			if err != nil {
				return err
			}
			var first error
			fail := func(err error) {
				a.warnf("%v", err)
				if first == nil {
					first = err
				}
			}
			var targets []found
			for _, name := range args {
				f, err := r.find(name)
				if err != nil {
					fail(err)
					continue
				}
				targets = append(targets, f)
			}
			confirm := yes != nil && !*yes && !a.guard.ReadOnly
			if confirm && !a.io.inTTY && len(targets) > 0 {
				return usagef("refusing to delete without confirmation: stdin is not a terminal (pass --yes)")
			}
			in := bufio.NewReader(a.io.in)
			for _, f := range targets {
				if confirm {
					yes, err := a.ask(ctx, in, deletePrompt(f))
					if err != nil {
						return err
					}
					if !yes {
						fmt.Fprintf(a.io.err, "kept %s\n", f.sandbox.ID)
						continue
					}
				}
				if err := a.runLifecycle(ctx, act.action, f); err != nil {
					fail(err)
					continue
				}
				fmt.Fprintln(a.io.out, f.sandbox.ID)
			}
			// Each failure was printed as it happened.
			return reported(first)
		}
	}
}

// runLifecycle runs one action on a resolved sandbox (through the guard:
// the backends are wrapped), bounded by action_timeout.
func (a *app) runLifecycle(ctx context.Context, act backend.Action, f found) error {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.ActionTimeout.Std())
	defer cancel()
	id := f.sandbox.ID
	switch act {
	case backend.ActionPause:
		return f.backend.Pause(ctx, id)
	case backend.ActionResume:
		return f.backend.Resume(ctx, id)
	case backend.ActionDelete:
		return f.backend.Delete(ctx, id)
	}
	return fmt.Errorf("unknown action %q", act)
}

// deletePrompt names what is at stake, in the backend's words if it has
// them.
func deletePrompt(f found) string {
	msg := fmt.Sprintf("Delete %s on %s (%s)?", f.sandbox.ID, f.backend.Name(), f.sandbox.Status)
	if ex, ok := f.backend.(backend.Explainer); ok && backend.Supports(f.backend, backend.CapExplain) {
		if why := ex.Explain(backend.ActionDelete, f.sandbox); why != "" {
			msg += " " + why
		}
	}
	return msg
}

// ask prompts on stderr and reads y/yes from stdin; anything else is no.
// An interrupt while it waits ends the command (errInterrupted).
func (a *app) ask(ctx context.Context, in *bufio.Reader, question string) (bool, error) {
	fmt.Fprintf(a.io.err, "%s [y/N] ", question)
	answer := make(chan string, 1)
	go func() {
		line, _ := in.ReadString('\n')
		answer <- line
	}()
	select {
	case <-ctx.Done():
		fmt.Fprintln(a.io.err)
		return false, errInterrupted
	case line := <-answer:
		switch strings.ToLower(strings.TrimSpace(line)) {
		case "y", "yes":
			return true, nil
		}
		return false, nil
	}
}

func setupStart(fs *flag.FlagSet) runner {
	asJSON := fs.Bool("json", false, "print the new sandbox as a JSON object (as in ls --json)")
	reveal := fs.Bool("show-secrets", false, "with --json, show the session API key")
	return func(ctx context.Context, a *app, _ []string) error {
		b, err := a.One(ctx)
		if err != nil {
			return err
		}
		actx, cancel := context.WithTimeout(ctx, a.cfg.ActionTimeout.Std())
		defer cancel()
		sb, err := b.Start(actx, backend.StartRequest{Image: a.cfg.Image})
		if err != nil {
			if ctx.Err() != nil {
				// The request may have reached the backend: a silent
				// exit 130 would leave a sandbox nobody knows about.
				fmt.Fprintln(a.io.err, interruptedStartNote(b.Name(), sb.ID))
				return fmt.Errorf("%w: %w", errInterrupted, err)
			}
			if errors.Is(err, backend.ErrImageUnavailable) {
				a.warnf("%v", err)
				fmt.Fprintln(a.io.err, imageHint)
				return reported(err)
			}
			return err
		}
		if *asJSON {
			return writeJSON(a.io.out, toSandboxJSON(sb, *reveal))
		}
		fmt.Fprintln(a.io.out, sb.ID)
		return nil
	}
}

// interruptedStartNote is what an interrupted start tells the user: the
// sandbox may exist (the audit log has the same, as "interrupted").
func interruptedStartNote(backendName, id string) string {
	if id != "" {
		return fmt.Sprintf("interrupted: the start may have created sandbox %s on %s; check with 'ohdash ls'", id, backendName)
	}
	return fmt.Sprintf("interrupted: the start may have created a sandbox on %s; check with 'ohdash ls'", backendName)
}

// imageHint is what to do when a new sandbox's image is missing: name one
// the engine has, or try ohdash without OpenHands.
const imageHint = `hint: name an image the engine has or can pull: --image IMAGE, OHDASH_IMAGE, or image = "IMAGE"
in the configuration file; to try ohdash without OpenHands, 'ohdash sim up' starts simulated sandboxes.`

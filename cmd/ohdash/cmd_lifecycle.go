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
// acted on are printed on stdout. --filter and --status select sandboxes
// as well as (or instead of) names; such a selection is confirmed once
// (rm) and runs a few at a time. Exit: the failure's code when all
// failed, 5 when some did.
func setupLifecycle(act lifecycle) func(fs *flag.FlagSet) runner {
	return func(fs *flag.FlagSet) runner {
		var yes, dry *bool
		if act.action == backend.ActionDelete {
			yes = fs.Bool("yes", false, "delete without asking (needed when stdin is not a terminal)")
			dry = fs.Bool("dry-run", false, "print what would be deleted and change nothing")
		}
		sel := selectionFlags(fs)
		return func(ctx context.Context, a *app, args []string) error {
			if err := sel.check(); err != nil {
				return err
			}
			if len(args) == 0 && !sel.used() {
				return usagef("name at least one sandbox, or select them with --filter or --status")
			}
			want, err := parseStatuses(*sel.status)
			if err != nil {
				return err
			}
			for _, name := range args {
				if err := checkSandboxRef(name); err != nil {
					return err // before anything is asked or done
				}
			}
			r, err := a.resolver(ctx)
			if err != nil {
				return err
			}
			var failed []error
			fail := func(err error) {
				a.warnf("%v", err)
				failed = append(failed, err)
			}
			var targets []found
			seen := map[string]bool{}
			add := func(f found) {
				if k := f.backend.Name() + "/" + f.sandbox.ID; !seen[k] {
					seen[k] = true
					targets = append(targets, f)
				}
			}
			for _, name := range args {
				f, err := r.find(name)
				if err != nil {
					fail(err)
					continue
				}
				add(f)
			}
			if sel.used() {
				if err := r.listingErr(); err != nil {
					fail(err) // what was not listed was not selected
				}
				for _, f := range sel.pick(r, want) {
					add(f)
				}
				if len(targets) == 0 {
					fmt.Fprintln(a.io.err, "no sandbox matches the selection")
				}
			}
			if dry != nil && *dry {
				for _, f := range targets {
					fmt.Fprintf(a.io.out, "would %s %s (%s, %s)\n", act.action, backend.CleanText(f.sandbox.ID), backend.CleanText(f.backend.Name()), f.sandbox.Status)
				}
				// What could not be listed or found was said; exit 5 when
				// the list printed is not all.
				return batchResult(len(targets), failed)
			}
			confirm := yes != nil && !*yes && !a.guard.ReadOnly
			if confirm && !a.io.inTTY && len(targets) > 0 {
				return usagef("refusing to delete without confirmation: stdin is not a terminal (pass --yes)")
			}
			in := bufio.NewReader(a.io.in)
			if confirm && sel.used() && len(targets) > 0 {
				// A selection is confirmed once, naming every sandbox.
				ok, err := a.ask(ctx, in, bulkDeletePrompt(targets))
				if err != nil {
					return err
				}
				if !ok {
					fmt.Fprintf(a.io.err, "kept %d sandboxes\n", len(targets))
					return nil
				}
				confirm = false
			}
			var run []found
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
				run = append(run, f)
			}
			done := 0
			report := func(f found, err error) {
				if err != nil {
					fail(err)
					return
				}
				done++
				fmt.Fprintln(a.io.out, backend.CleanText(f.sandbox.ID))
			}
			if sel.used() {
				actAll(ctx, run, func(ctx context.Context, f found) error { return a.runLifecycle(ctx, act.action, f) }, report)
			} else {
				// Named sandboxes go one by one, in the order given.
				for _, f := range run {
					report(f, a.runLifecycle(ctx, act.action, f))
				}
			}
			// Each failure was printed as it happened.
			return batchResult(done, failed)
		}
	}
}

// bulkDeletePrompt is the one question before deleting a selection: the
// count, what is at stake, and the sandboxes.
func bulkDeletePrompt(ts []found) string {
	var b strings.Builder
	fmt.Fprintf(&b, "Delete %d sandboxes?", len(ts))
	if ex, ok := ts[0].backend.(backend.Explainer); ok && backend.Supports(ts[0].backend, backend.CapExplain) {
		if why := ex.Explain(backend.ActionDelete, ts[0].sandbox); why != "" {
			fmt.Fprintf(&b, " For each, as for %s: %s", backend.CleanText(ts[0].sandbox.ID), why)
		}
	}
	for _, f := range ts {
		fmt.Fprintf(&b, "\n  %s (%s, %s)", backend.CleanText(f.sandbox.ID), backend.CleanText(f.backend.Name()), f.sandbox.Status)
	}
	return b.String() + "\n"
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

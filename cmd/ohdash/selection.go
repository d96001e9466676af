package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/sandboxes"
)

// selection picks sandboxes by what they are rather than by name: the
// lifecycle commands' --filter and --status.
type selection struct {
	filter, status *string
}

func selectionFlags(fs *flag.FlagSet) selection {
	return selection{
		filter: fs.String("filter", "", "act on every sandbox matching `TEXT`, as the dashboard's / filter does (every word must match id, image, status, backend or health; a word with * ? [ is a glob on the id)"),
		status: fs.String("status", "", "act on every sandbox with one of these `STATUSES` (comma-separated: RUNNING,PAUSED,ERROR,MISSING,STARTING)"),
	}
}

// used reports whether the selection flags were given.
func (s selection) used() bool { return *s.filter != "" || *s.status != "" }

// check refuses a --filter or --status given but blank: a filter with no
// word matches every sandbox, so `rm --filter "$NAME" --yes` with NAME=" "
// would act on all of them.
func (s selection) check() error {
	if *s.filter != "" && strings.TrimSpace(*s.filter) == "" {
		return usagef("--filter %q has no word to match: name what to select (a word with * matches by glob)", *s.filter)
	}
	if *s.status != "" && strings.Trim(*s.status, " ,") == "" {
		return usagef("--status %q names no status", *s.status)
	}
	return nil
}

// pick returns the listed sandboxes the selection takes.
func (s selection) pick(r *resolver, want []backend.Status) []found {
	var out []found
	for _, l := range r.listings {
		for _, sb := range l.sandboxes {
			if len(want) > 0 && !slices.Contains(want, sb.Status) {
				continue
			}
			if *s.filter != "" && !sandboxes.Matches(sb, *s.filter) {
				continue
			}
			out = append(out, found{l.backend, sb})
		}
	}
	return out
}

// listingErr joins the failures of the backends a selection could not
// list: what it picked is not all there is.
func (r *resolver) listingErr() error {
	var errs []error
	for _, l := range r.listings {
		if l.err != nil {
			errs = append(errs, l.err)
		}
	}
	if len(errs) == 0 {
		return nil
	}
	return errors.Join(errs...)
}

// cliParallel is how many sandboxes a command acts on at once: a hundred
// deletes take a fraction of the time, and an engine is not flooded.
const cliParallel = 4

// actAll runs act on every target, cliParallel at a time; done is called
// for each result as it comes, one at a time.
func actAll[T any](ctx context.Context, targets []T, act func(context.Context, T) error, done func(T, error)) {
	jobs := make(chan T)
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(cliParallel, len(targets)) {
		wg.Go(func() {
			for f := range jobs {
				err := act(ctx, f)
				mu.Lock()
				done(f, err)
				mu.Unlock()
			}
		})
	}
	for _, f := range targets {
		jobs <- f
	}
	close(jobs)
	wg.Wait()
}

// batchResult is the outcome of acting on several sandboxes: nil when all
// succeeded, the first failure when none did, and a partial result
// (exit 5) when some did. Every failure has been printed already.
func batchResult(ok int, failed []error) error {
	switch {
	case len(failed) == 0:
		return nil
	case ok == 0:
		return reported(failed[0])
	}
	return reported(fmt.Errorf("%w: %d of %d failed: %w", errPartial, len(failed), ok+len(failed), failed[0]))
}

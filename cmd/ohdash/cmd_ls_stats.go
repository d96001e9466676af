package main

import (
	"context"
	"errors"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/format"
)

// sandboxStatsJSON is one object of `ohdash ls --stats --json`: the
// sandbox's fields and its resource use (see resourceJSON).
type sandboxStatsJSON struct {
	sandboxJSON
	resourceJSON
}

// lsStats is `ohdash ls --stats`: the listing with a resource sample of
// every running sandbox (two readings a second apart).
func lsStats(ctx context.Context, a *app, out listOutput, ls []listing, all []backend.Sandbox, failed error, reveal bool) error {
	rows, statsErr := newSampler(a).sampleTwice(ctx, ls)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	err := out.print(a, len(all),
		func(i int) any {
			return sandboxStatsJSON{toSandboxJSON(all[i], reveal), toResourceJSON(rows[rowKey(all[i])])}
		},
		func(i int) string { return backend.ShowText(all[i].ID, reveal) },
		func() { writeSandboxStatsTable(a, all, rows, failed == nil, reveal) })
	if err != nil {
		return err
	}
	if statsErr != nil {
		if failed == nil {
			return fmt.Errorf("%w: %w", errPartial, statsErr)
		}
		failed = errors.Join(failed, statsErr)
	}
	return partial(ls, failed)
}

// writeSandboxStatsTable is writeSandboxTable with the resource columns.
func writeSandboxStatsTable(a *app, sbs []backend.Sandbox, rows map[string]rowStats, complete, reveal bool) {
	if len(sbs) == 0 {
		if complete {
			fmt.Fprintln(a.io.err, "no sandboxes")
		}
		return
	}
	now := time.Now()
	tw := tabwriter.NewWriter(a.io.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BACKEND\tID\tSTATUS\tHEALTH\tAGE\tCPU %\tMEM\tNET RX / TX\tBLOCK R / W\tPIDS")
	for _, sb := range sbs {
		c := statsCells(rows[rowKey(sb)])
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", backend.CleanText(sb.Source), backend.ShowText(sb.ID, reveal),
			backend.CleanText(string(sb.Status)), sb.Health.State, format.Age(now, sb.CreatedAt),
			c.cpu, c.mem, c.net, c.blk, c.pids)
	}
	_ = tw.Flush()
}

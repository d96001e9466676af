package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/prune"
	"github.com/ohdash/ohdash/ui/format"
)

// pruneRow is one sandbox of a prune report (--json: one object each).
type pruneRow struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Backend string `json:"backend"`
	Status  string `json:"status"`
	// Age and Idle are in seconds; null when they could not be measured
	// (Idle is measured only with --idle).
	Age    *int64 `json:"age"`
	Idle   *int64 `json:"idle"`
	Action string `json:"action"`
	Result string `json:"result"`
	Reason string `json:"reason"`

	found found
	age   time.Duration
	idle  time.Duration
}

// idleReadTimeout bounds the reads that date a sandbox's last activity.
const idleReadTimeout = 10 * time.Second

func setupPrune(fs *flag.FlagSet) runner {
	status := fs.String("status", "", "only sandboxes with one of these `STATUSES` (comma-separated: ERROR,MISSING,PAUSED,RUNNING,STARTING)")
	older := fs.Duration("older-than", 0, "only sandboxes created at least `DURATION` ago (24h)")
	idle := fs.Duration("idle", 0, "only sandboxes with no log line and no conversation activity for `DURATION` (2h)")
	action := fs.String("action", "delete", "what to do with them: `delete` or pause")
	dry := fs.Bool("dry-run", false, "print what would be done and change nothing (the default when stdout is not a terminal and --yes is not given)")
	yes := fs.Bool("yes", false, "act without asking")
	asJSON := fs.Bool("json", false, "print the report as a JSON array, one object per sandbox")
	return func(ctx context.Context, a *app, _ []string) error {
		want, err := parseStatuses(*status)
		if err != nil {
			return err
		}
		p := prune.Policy{Statuses: want, OlderThan: *older, Idle: *idle, Action: backend.Action(*action)}
		if *action == "delete" || *action == "pause" {
			p.Action = backend.Action(*action)
		}
		if err := p.Validate(); err != nil {
			return usagef("prune: %v", err)
		}
		r, err := a.resolver(ctx)
		if err != nil {
			return err
		}
		listErr := r.listingErr()
		if listErr != nil {
			a.warnf("%v", listErr)
		}
		now := a.clock()
		rows := a.decide(ctx, r, p, now)
		selected := 0
		for _, row := range rows {
			if row.Action != "keep" {
				selected++
			}
		}
		// Without a terminal to show the list on, and without --yes,
		// nothing is touched: a script must say --yes.
		dryRun := *dry || (!*yes && (!a.io.outTTY || !a.io.inTTY))
		if !dryRun && !*yes && selected > 0 {
			// The preview goes where the question goes when stdout is
			// the JSON report.
			preview := a.io.out
			if *asJSON {
				preview = a.io.err
			}
			writePruneTable(preview, rows, "would ", now)
			ok, err := a.ask(ctx, bufio.NewReader(a.io.in), fmt.Sprintf("%s %d sandboxes?", capitalise(string(p.Action)), selected))
			if err != nil {
				return err
			}
			if !ok {
				dryRun = true
				fmt.Fprintln(a.io.err, "nothing changed")
			}
		}
		done, failed := 0, []error{}
		for i := range rows {
			switch {
			case rows[i].Action == "keep":
				rows[i].Result = "kept"
			case dryRun:
				rows[i].Result = "would " + rows[i].Action
			}
		}
		if !dryRun {
			var targets []found
			index := map[string]int{}
			for i, row := range rows {
				if row.Action != "keep" {
					targets = append(targets, row.found)
					// Raw names: the row's are cleaned for output.
					index[row.found.backend.Name()+"/"+row.found.sandbox.ID] = i
				}
			}
			actAll(ctx, targets, func(ctx context.Context, f found) error {
				return a.runLifecycle(ctx, p.Action, f)
			}, func(f found, err error) {
				i := index[f.backend.Name()+"/"+f.sandbox.ID]
				if err != nil {
					rows[i].Result = "failed"
					rows[i].Reason = safeMessage(err.Error())
					failed = append(failed, err)
					return
				}
				done++
				rows[i].Result = actionWords(p.Action)
			})
		}
		if *asJSON {
			if err := writeJSON(a.io.out, rows); err != nil {
				return err
			}
		} else {
			writePruneTable(a.io.out, rows, "", now)
		}
		if dryRun && selected > 0 && !*dry {
			fmt.Fprintln(a.io.err, "dry run: nothing changed (pass --yes to act without a terminal)")
		}
		if err := batchResult(done, failed); err != nil {
			return err
		}
		if listErr != nil {
			return reported(fmt.Errorf("%w: %w", errPartial, listErr))
		}
		return nil
	}
}

func actionWords(a backend.Action) string {
	if a == backend.ActionPause {
		return "paused"
	}
	return "deleted"
}

// decide applies the policy to every listed sandbox, reading activity
// only for those the other rules select (reads cost a request each).
func (a *app) decide(ctx context.Context, r *resolver, p prune.Policy, now time.Time) []pruneRow {
	var rows []pruneRow
	noIdle := p
	noIdle.Idle = 0
	for _, l := range r.listings {
		for _, sb := range l.sandboxes {
			src := l.backend.Name()
			var d prune.Decision
			if p.Idle > 0 && (len(p.Statuses) > 0 || p.OlderThan > 0) {
				if pre := noIdle.Decide(src, sb, prune.Activity{}, now); !pre.Act {
					d = pre
				}
			}
			if d.Reason == "" {
				var act prune.Activity
				if p.Idle > 0 {
					act = a.lastActivity(ctx, l.backend, sb)
				}
				d = p.Decide(src, sb, act, now)
			}
			row := pruneRow{ID: backend.CleanText(sb.ID), Name: backend.CleanText(sb.ShortID()), Backend: backend.CleanText(src),
				Status: string(sb.Status), Action: "keep", Reason: backend.SafeText(d.Reason), found: found{l.backend, sb}, age: d.Age, idle: d.Idle}
			if d.Act {
				row.Action = string(p.Action)
			}
			row.Age, row.Idle = seconds(d.Age), seconds(d.Idle)
			rows = append(rows, row)
		}
	}
	return rows
}

func seconds(d time.Duration) *int64 {
	if d < 0 {
		return nil
	}
	s := int64(d / time.Second)
	return &s
}

// lastActivity dates a sandbox's last activity from what ohdash can read:
// the time of its last log line (a one-line tail with timestamps) and the
// newest update of its conversations (asked of a running sandbox's
// agent-server). Neither readable: unknown, and the sandbox is kept.
func (a *app) lastActivity(ctx context.Context, b backend.Backend, sb backend.Sandbox) prune.Activity {
	ctx, cancel := context.WithTimeout(ctx, idleReadTimeout)
	defer cancel()
	var act prune.Activity
	var whys []string
	seen := func(t time.Time) {
		if !t.IsZero() && (!act.Known || t.After(act.Last)) {
			act.Last, act.Known = t, true
		}
	}
	if ls, ok := b.(backend.LogStreamer); ok && backend.Supports(b, backend.CapLogs) {
		if t, err := lastLogLine(ctx, ls, sb.ID); err != nil {
			whys = append(whys, "logs: "+err.Error())
		} else {
			seen(t)
		}
	} else {
		whys = append(whys, "the backend serves no logs")
	}
	if sb.Status == backend.StatusRunning {
		convs, err := a.Conversations().Conversations(ctx, sb)
		if err != nil {
			whys = append(whys, "conversations: "+err.Error())
		}
		for _, c := range convs {
			seen(c.UpdatedAt)
			if c.Status == backend.ExecRunning && act.Busy == "" {
				act.Busy = backend.CleanText(c.ID)
			}
		}
	}
	if !act.Known {
		act.Why = strings.Join(whys, "; ")
		if act.Why == "" {
			act.Why = "no log line and no conversation"
		}
	}
	return act
}

// lastLogLine is the time of a sandbox's last log line (zero: no line).
func lastLogLine(ctx context.Context, ls backend.LogStreamer, id string) (time.Time, error) {
	ch, err := ls.Logs(ctx, id, backend.LogOptions{Tail: 1})
	if err != nil {
		return time.Time{}, err
	}
	var last time.Time
	for b := range ch {
		for _, l := range b.Lines {
			if l.Time.After(last) {
				last = l.Time
			}
		}
		if b.Err != nil && last.IsZero() {
			err = b.Err
		}
	}
	if last.IsZero() && err == nil && ctx.Err() != nil {
		err = ctx.Err()
	}
	return last, err
}

// writePruneTable prints the report; prefix ("would ") marks a preview.
func writePruneTable(w io.Writer, rows []pruneRow, prefix string, now time.Time) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "RESULT\tSANDBOX\tBACKEND\tSTATUS\tAGE\tIDLE\tREASON")
	for _, r := range rows {
		res := r.Result
		if res == "" {
			res = prefix + r.Action
			if r.Action == "keep" {
				res = "kept"
			}
		}
		age, idle := "—", "—"
		if r.age >= 0 {
			age = format.Age(now, now.Add(-r.age))
		}
		if r.idle >= 0 {
			idle = format.Age(now, now.Add(-r.idle))
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", res, r.ID, r.Backend, r.Status, age, idle, r.Reason)
	}
	tw.Flush()
}

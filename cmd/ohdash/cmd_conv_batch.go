package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
	"github.com/ohdash/ohdash/ui/convlist"
)

// convSelection picks conversations by what they are rather than by id:
// the conversation subcommands' --filter and --status.
type convSelection struct {
	filter, status *string
}

func convSelectionFlags(fs *flag.FlagSet) convSelection {
	return convSelection{
		filter: fs.String("filter", "", "act on every conversation matching `TEXT`, as the conversations tab's / filter does (every word must appear in the title, id, model, sandbox or status)"),
		status: fs.String("status", "", "act on every conversation with one of these execution `STATUSES` (comma-separated: idle,running,paused,waiting_for_confirmation,finished,error,stuck)"),
	}
}

// used reports whether the selection flags were given.
func (s convSelection) used() bool { return *s.filter != "" || *s.status != "" }

// parseExecStatuses reads --status: known execution statuses only.
func parseExecStatuses(s string) ([]backend.ExecutionStatus, error) {
	var out []backend.ExecutionStatus
	known := []backend.ExecutionStatus{backend.ExecIdle, backend.ExecRunning, backend.ExecPaused,
		backend.ExecWaitingForConfirmation, backend.ExecFinished, backend.ExecError, backend.ExecStuck}
	for _, w := range strings.Split(s, ",") {
		w = strings.ToLower(strings.TrimSpace(w))
		if w == "" {
			continue
		}
		st := backend.ExecutionStatus(w)
		if !slices.Contains(known, st) {
			return nil, usagef("--status %s: not an execution status (one of idle, running, paused, waiting_for_confirmation, finished, error, stuck)", quoteArg(w))
		}
		out = append(out, st)
	}
	return out, nil
}

// convBatch is a conversation subcommand on several conversations: named
// ones and a selection, resolved first, the ones whose state does not fit
// the action left out (counted, not refused one by one), confirmed once
// (rm), then acted on a few at a time; each id printed as it is done.
type convBatch struct {
	rule        convRule
	act         convAction
	confirmWord string
	sandbox     string
	sel         convSelection
	yes, dry    bool
}

func (b convBatch) run(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 && !b.sel.used() {
		return usagef("name at least one conversation, or select them with --filter or --status")
	}
	want, err := parseExecStatuses(*b.sel.status)
	if err != nil {
		return err
	}
	for _, name := range args {
		if err := checkConversationRef(name); err != nil {
			return err // before anything is asked or done
		}
	}
	var failed []error
	fail := func(err error) {
		a.warnf("%v", err)
		failed = append(failed, err)
	}
	var targets []convFound
	seen := map[string]bool{}
	add := func(f convFound) {
		if !seen[f.conv.ID] {
			seen[f.conv.ID] = true
			targets = append(targets, f)
		}
	}
	for _, name := range args {
		f, err := a.resolveConversation(ctx, name, b.sandbox)
		if err != nil {
			fail(err)
			continue
		}
		add(f)
	}
	if b.sel.used() {
		all, err := a.sandboxConversations(ctx, b.sandbox)
		if err != nil {
			return err
		}
		for _, sc := range all {
			if sc.Err != nil {
				fail(fmt.Errorf("sandbox %s: %w", backend.CleanText(sc.Sandbox.ID), sc.Err)) // not selected: not listed
				continue
			}
			for _, c := range sc.Conversations {
				if (len(want) == 0 || slices.Contains(want, c.Status)) && (*b.sel.filter == "" || convlist.Matches(c, *b.sel.filter)) {
					add(convFound{sc.Sandbox, c})
				}
			}
		}
	}
	targets = b.fitting(a, targets)
	if len(targets) == 0 {
		fmt.Fprintln(a.io.err, "no conversation to act on")
		return batchResult(0, failed)
	}
	if b.dry {
		for _, f := range targets {
			printWouldConv(a, b.confirmWord, f)
		}
		return batchResult(len(targets), failed)
	}
	if b.confirmWord != "" && !b.yes && !a.guard.ReadOnly {
		if !a.io.inTTY {
			return usagef("refusing to %s without confirmation: stdin is not a terminal (pass --yes)", b.confirmWord)
		}
		ok, err := a.ask(ctx, bufio.NewReader(a.io.in), b.prompt(targets))
		if err != nil {
			return err
		}
		if !ok {
			fmt.Fprintf(a.io.err, "kept %d conversations\n", len(targets))
			return nil
		}
	}
	done := 0
	var mu sync.Mutex
	notes := map[string]string{} // what the agent-server did instead, by id
	actAll(ctx, targets, func(ctx context.Context, f convFound) error {
		note, err := a.timedConvAction(ctx, b.act, f)
		mu.Lock()
		notes[f.conv.ID] = note
		mu.Unlock()
		return err
	}, func(f convFound, err error) {
		// One at a time (actAll's promise): the output stays whole.
		if err != nil {
			fail(err)
			return
		}
		done++
		mu.Lock()
		note := notes[f.conv.ID]
		mu.Unlock()
		a.convDone(f, note)
	})
	return batchResult(done, failed)
}

// fitting leaves out the conversations whose execution status does not
// fit the action (the shared rule), says how many and why on stderr, and
// audits each as refused, as a single refusal is.
func (b convBatch) fitting(a *app, targets []convFound) []convFound {
	if b.rule.verb == "" {
		return targets
	}
	var out []convFound
	skipped := map[backend.ExecutionStatus]int{}
	for _, f := range targets {
		if why := backend.CheckConversation(b.rule.verb, "conversation "+f.conv.ID, f.conv.Status); why != nil {
			_ = a.guard.Conflict(guard.ConversationOp(b.rule.audit, f.sandbox, f.conv.ID), why)
			skipped[f.conv.Status]++
			continue
		}
		out = append(out, f)
	}
	for st, n := range skipped {
		a.warnf("left out %d %s conversation(s): %s does not fit", n, st.Words(), b.rule.verb)
	}
	return out
}

// prompt is the one question before deleting several conversations.
func (b convBatch) prompt(ts []convFound) string {
	var sb strings.Builder
	fmt.Fprintf(&sb, "%s %d conversations? Their events are lost.\n", capitalise(b.confirmWord), len(ts))
	for i, f := range ts {
		if i == 10 {
			fmt.Fprintf(&sb, "  … and %d more\n", len(ts)-i)
			break
		}
		fmt.Fprintf(&sb, "  %s (%s, %s) in %s\n", backend.CleanText(f.conv.ID), backend.SafeText(f.conv.Title), f.conv.Status, backend.CleanText(f.sandbox.ID))
	}
	return strings.TrimSuffix(sb.String(), "\n")
}

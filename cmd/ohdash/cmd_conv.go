package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// convAction is one `ohdash conv` subcommand's work on a conversation.
type convAction func(ctx context.Context, a *app, f convFound) (string, error)

// convRule is what a conversation subcommand is for the rule of which
// actions fit which execution status (backend.CheckConversation, the
// dashboard's rule too) and for the audit log. A zero verb has no rule.
type convRule struct {
	verb  backend.ConversationVerb
	audit string
}

// The rules of the conversation subcommands.
var (
	rulePause     = convRule{backend.ConvPause, guard.ConversationPause}
	ruleRun       = convRule{backend.ConvRun, guard.ConversationRun}
	ruleInterrupt = convRule{backend.ConvInterrupt, guard.ConversationInterrupt}
	ruleApprove   = convRule{backend.ConvAccept, guard.ConversationApprove}
	ruleReject    = convRule{backend.ConvReject, guard.ConversationReject}
	ruleDelete    = convRule{audit: guard.ConversationDelete}
)

// setupConvAction builds a conversation subcommand: resolve the
// conversation (in --sandbox or any running sandbox), refuse what does not
// fit its execution status (a conflict, audited as refused), confirm if
// needed, act through the guard, print the conversation id. Several
// conversations, named or selected with --filter and --status, are taken
// by setupConvBatch's rules (see cmd_conv_batch.go).
func setupConvAction(rule convRule, act convAction, confirmWord string) func(fs *flag.FlagSet) runner {
	return func(fs *flag.FlagSet) runner {
		sandbox := fs.String("sandbox", "", "look for the conversation in this `SANDBOX` only")
		var yes, dry *bool
		if confirmWord != "" {
			yes = fs.Bool("yes", false, confirmWord+" without asking (needed when stdin is not a terminal)")
			dry = fs.Bool("dry-run", false, "print what would be "+confirmWord+"d and change nothing")
		}
		sel := convSelectionFlags(fs)
		return func(ctx context.Context, a *app, args []string) error {
			if len(args) != 1 || sel.used() {
				b := convBatch{rule: rule, act: act, confirmWord: confirmWord, sandbox: *sandbox, sel: sel}
				b.yes, b.dry = yes != nil && *yes, dry != nil && *dry
				return b.run(ctx, a, args)
			}
			f, err := a.resolveConversation(ctx, args[0], *sandbox)
			if err != nil {
				return err
			}
			if rule.verb != "" {
				if why := backend.CheckConversation(rule.verb, "conversation "+f.conv.ID, f.conv.Status); why != nil {
					return a.guard.Conflict(guard.ConversationOp(rule.audit, f.sandbox, f.conv.ID), why)
				}
			}
			if dry != nil && *dry {
				printWouldConv(a, confirmWord, f)
				return nil
			}
			if yes != nil && !*yes && !a.guard.ReadOnly {
				if !a.io.inTTY {
					return usagef("refusing to %s without confirmation: stdin is not a terminal (pass --yes)", confirmWord)
				}
				q := fmt.Sprintf("%s conversation %s (%q, %s) in %s? Its events are lost.", capitalise(confirmWord), f.conv.ID, f.conv.Title, f.conv.Status, f.sandbox.ID)
				yes, err := a.ask(ctx, bufio.NewReader(a.io.in), q)
				if err != nil || !yes {
					fmt.Fprintf(a.io.err, "kept %s\n", f.conv.ID)
					return err
				}
			}
			return a.runConvAction(ctx, act, f)
		}
	}
}

// runConvAction acts on one conversation within the action timeout and
// prints its id (or says what the agent-server did instead).
func (a *app) runConvAction(ctx context.Context, act convAction, f convFound) error {
	note, err := a.timedConvAction(ctx, act, f)
	if err != nil {
		return err
	}
	a.convDone(f, note)
	return nil
}

// timedConvAction acts on one conversation within the action timeout,
// printing nothing: batches run several at once and print in turn.
func (a *app) timedConvAction(ctx context.Context, act convAction, f convFound) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, a.cfg.ActionTimeout.Std())
	defer cancel()
	return act(ctx, a, f)
}

// convDone says a conversation was acted on: its id on stdout, what the
// agent-server did instead on stderr.
func (a *app) convDone(f convFound, note string) {
	if note != "" {
		a.warnf("%s", note)
	}
	fmt.Fprintln(a.io.out, backend.CleanText(f.conv.ID))
}

// printWouldConv is a dry run's line for one conversation.
func printWouldConv(a *app, word string, f convFound) {
	fmt.Fprintf(a.io.out, "would %s conversation %s (%s, %s) in %s\n", word, backend.CleanText(f.conv.ID),
		backend.SafeText(f.conv.Title), f.conv.Status, backend.CleanText(f.sandbox.ID))
}

func capitalise(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// The conversation actions.
var (
	convPause convAction = func(ctx context.Context, a *app, f convFound) (string, error) {
		return "", a.Conversations().Pause(ctx, f.sandbox, f.conv.ID)
	}
	convRun convAction = func(ctx context.Context, a *app, f convFound) (string, error) {
		return "", a.Conversations().Run(ctx, f.sandbox, f.conv.ID)
	}
	convInterrupt convAction = func(ctx context.Context, a *app, f convFound) (string, error) {
		out, err := a.Conversations().Interrupt(ctx, f.sandbox, f.conv.ID)
		if err == nil && out == backend.PausedInstead {
			return "this agent-server cannot interrupt; the conversation was paused instead and stops after its current step", nil
		}
		return "", err
	}
	convDelete convAction = func(ctx context.Context, a *app, f convFound) (string, error) {
		return "", a.Conversations().Delete(ctx, f.sandbox, f.conv.ID)
	}
	convApprove convAction = func(ctx context.Context, a *app, f convFound) (string, error) {
		return "", a.Conversations().RespondToConfirmation(ctx, f.sandbox, f.conv.ID, true, "")
	}
)

func setupConvReject(fs *flag.FlagSet) runner {
	reason := fs.String("reason", "", "tell the agent why")
	return setupConvAction(ruleReject, func(ctx context.Context, a *app, f convFound) (string, error) {
		return "", a.Conversations().RespondToConfirmation(ctx, f.sandbox, f.conv.ID, false, *reason)
	}, "")(fs)
}

func setupSend(fs *flag.FlagSet) runner {
	sandbox := fs.String("sandbox", "", "look for the conversation in this `SANDBOX` only")
	return func(ctx context.Context, a *app, args []string) error {
		text, err := messageText(a, args[1])
		if err != nil {
			return err
		}
		f, err := a.resolveConversation(ctx, args[0], *sandbox)
		if err != nil {
			return err
		}
		ctx, cancel := context.WithTimeout(ctx, a.cfg.ActionTimeout.Std())
		defer cancel()
		if err := a.Conversations().SendMessage(ctx, f.sandbox, f.conv.ID, text); err != nil {
			return err
		}
		fmt.Fprintln(a.io.out, f.conv.ID)
		return nil
	}
}

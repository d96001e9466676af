// Command ohdash is a terminal dashboard for OpenHands sandboxes and the
// agent conversations inside them, and a command line for scripts over the
// same data layer: `ohdash` opens the dashboard, `ohdash ls --json` lists
// sandboxes, `ohdash logs -f` follows a sandbox's logs, and so on (see
// `ohdash help`).
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"

	"github.com/charmbracelet/x/term"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	// The first signal cancels ctx and lets the command finish cleanly;
	// from then on the default handling is back, so a second Ctrl+C ends
	// anything that did not notice.
	context.AfterFunc(ctx, stop)
	code := run(ctx, os.Args[1:], osStdio(term.IsTerminal))
	stop()
	os.Exit(code)
}

// run parses the command line, runs the command and returns the exit code.
// Diagnostics go to s.err; while the dashboard runs, nothing does.
func run(ctx context.Context, args []string, s stdio) int {
	// Libraries write to the standard logger behind ohdash's back: Go's
	// HTTP client logs a misbehaving server's stray bytes ("Unsolicited
	// response received on idle HTTP channel", quoting them) straight to
	// the process's stderr, into a script's diagnostics or over the
	// dashboard. What matters reaches the user as an error instead.
	log.SetOutput(io.Discard)
	table := commands()
	inv, err := parseCommandLine(table, args)
	if err != nil {
		fmt.Fprintf(s.err, "ohdash: %s\n", safeMessage(err.Error()))
		if inv != nil && inv.cmd != nil && inv.path != "" {
			fmt.Fprintf(s.err, "Run 'ohdash help %s' for usage.\n", inv.path)
		}
		return exitCode(err)
	}
	if inv.help {
		writeHelp(s.out, table, inv.cmd, inv.path)
		return exitOK
	}
	var a *app
	if inv.cmd.standalone {
		a = &app{io: s}
	} else {
		origin := "cli"
		if inv.cmd.tui {
			origin = "dashboard"
		}
		if a, err = newApp(inv, s, origin); err != nil {
			fmt.Fprintf(s.err, "ohdash: %s\n", safeMessage(err.Error()))
			return exitCode(err)
		}
		defer a.close()
	}
	err = inv.run(ctx, a, inv.args)
	if err != nil && ctx.Err() != nil && !errors.Is(err, errInterrupted) {
		err = fmt.Errorf("%w: %w", errInterrupted, err)
	}
	if err != nil {
		if a.log != nil {
			a.log.Error("command failed", "command", inv.path, "err", err)
		}
		var done reportedError
		if !errors.Is(err, errInterrupted) && !errors.As(err, &done) {
			// Errors quote servers and containers: sanitised and masked
			// here, whatever the backend did.
			fmt.Fprintf(s.err, "ohdash: %s\n", safeMessage(err.Error()))
		}
	}
	return exitCode(err)
}

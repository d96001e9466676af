package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/shell"
)

// execHelp is the long help of `ohdash exec`.
const execHelp = `Runs a command inside a running sandbox, or without CMD an interactive shell (the
shell setting; default bash when the sandbox has it, else sh), through the Docker exec API
(local, ssh:// and context engines). -i copies stdin to the command, -t gives it a terminal;
without CMD, on a terminal, both are the default. Put -- before CMD so its flags are its own.
The exit code is the command's. ohdash's own failures use its usual codes (1 refused or
failed, 2 usage, 3 no such sandbox, 4 unreachable) and always print an "ohdash:" line on
stderr; the command's own code prints nothing. As with docker exec, 126 and 127 mean the
command could not be run or was not found in the sandbox.
Sandboxes of a runtime API or an app-server have no exec API: CMD runs through the
agent-server's bash API (one command line, no terminal, no input; the output streams as
the server reports it), and there is no interactive shell. Output to a terminal without -t is
sanitised (escapes dropped) and masked; with -t, or piped, it passes unchanged.
Refused in read-only mode; every run is in the audit log with its command and exit code.`

// execOpts are the flags of `ohdash exec`.
type execOpts struct {
	interactive, tty bool
	given            bool // -i or -t was on the command line
}

func setupExec(fs *flag.FlagSet) runner {
	var o execOpts
	fs.BoolFunc("interactive", "keep stdin open: copy it to the command", func(string) error {
		o.interactive, o.given = true, true
		return nil
	})
	fs.BoolFunc("tty", "allocate a terminal for the command in the sandbox", func(string) error {
		o.tty, o.given = true, true
		return nil
	})
	fs.BoolFunc("it", "both -i and -t (as typed for docker exec)", func(string) error {
		o.interactive, o.tty, o.given = true, true, true
		return nil
	})
	return func(ctx context.Context, a *app, args []string) error {
		cmd := args[1:]
		if !o.given {
			// Like a login: a shell on a terminal is interactive and has
			// one; without a terminal it still reads its commands from
			// stdin.
			o.interactive = len(cmd) == 0
			o.tty = len(cmd) == 0 && a.io.inTTY && a.io.outTTY
		}
		if o.tty && o.interactive && !a.io.inTTY {
			return usagef("exec: -t with -i needs a terminal on stdin")
		}
		f, err := a.resolveSandbox(ctx, args[0])
		if err != nil {
			return err
		}
		b := f.backend
		switch {
		case backend.Supports(b, backend.CapExec):
			ex, _ := b.(backend.Execer)
			return a.dockerExec(ctx, ex, f.sandbox, cmd, o)
		case backend.Supports(b, backend.CapCommand):
			cr, _ := b.(backend.CommandRunner)
			return a.bashExec(ctx, cr, f.sandbox, cmd, o)
		}
		return fmt.Errorf("exec in %s: the %s backend can run nothing inside its sandboxes: %w", f.sandbox.ID, b.Name(), backend.ErrUnsupported)
	}
}

// dockerExec runs cmd (or the shell) through the engine's exec API.
func (a *app) dockerExec(ctx context.Context, ex backend.Execer, sb backend.Sandbox, cmd []string, o execOpts) error {
	req := backend.ExecRequest{Cmd: cmd, Shell: a.cfg.Shell, TTY: o.tty}
	out, errw, flush := a.execOutput(!o.tty)
	var in io.Reader
	if o.interactive {
		in = a.io.in
	}
	code, err := shell.Attach(ctx, in, out, errw, req, o.interactive, func(ctx context.Context, req backend.ExecRequest) (int, error) {
		return ex.Exec(ctx, sb.ID, req)
	})
	flush()
	return execResult(code, err)
}

// bashExec runs cmd through the agent-server's bash API.
func (a *app) bashExec(ctx context.Context, cr backend.CommandRunner, sb backend.Sandbox, cmd []string, o execOpts) error {
	if len(cmd) == 0 {
		return fmt.Errorf("%s is a %s sandbox without an exec API: there is no interactive shell there; run one command with 'ohdash exec %s -- CMD...' (through the agent-server's bash API): %w",
			sb.ID, sb.Source, sb.ID, backend.ErrUnsupported)
	}
	if o.given && (o.tty || o.interactive) {
		a.warnf("%s runs commands through the agent-server's bash API: no terminal and no input (-i and -t ignored)", sb.ID)
	}
	line := cmd[0]
	if len(cmd) > 1 {
		line = backend.QuoteCommand(cmd)
	}
	out, errw, flush := a.execOutput(true)
	code, err := cr.RunCommand(ctx, sb.ID, backend.CommandRequest{Command: line, Stdout: out, Stderr: errw})
	flush()
	return execResult(code, err)
}

// execOutput is where a command's output goes: unchanged into a pipe or
// a terminal session; sanitised and masked line by line when it is shown
// on a terminal without being a terminal session (clean).
func (a *app) execOutput(clean bool) (out, errw io.Writer, flush func()) {
	out, errw = a.io.out, a.io.err
	var ws []*shell.SafeWriter
	if clean && a.io.outTTY {
		w := shell.NewSafeWriter(out, false, false)
		ws, out = append(ws, w), w
	}
	if clean && a.io.errTTY {
		w := shell.NewSafeWriter(errw, false, false)
		ws, errw = append(ws, w), w
	}
	return out, errw, func() {
		for _, w := range ws {
			_ = w.Flush()
		}
	}
}

// execResult passes the command's exit code through; ohdash's own
// failure is an error with its own code.
func execResult(code int, err error) error {
	if err != nil {
		return err
	}
	if code < 0 || code > 255 {
		// Only a server can say this (the bash API's exit_code is any
		// number): passed to the OS as it is, 256 would end ohdash with 0,
		// a failed command reported as a success.
		return fmt.Errorf("the command ended with exit code %d, which no process can have", code)
	}
	if code != 0 {
		return reported(commandExit{code})
	}
	return nil
}

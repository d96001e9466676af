package backend

import (
	"context"
	"io"
	"strings"
	"time"
)

// TermSize is a terminal's size in character cells.
type TermSize struct {
	Rows, Cols uint16
}

// ExecRequest describes a process to run inside a sandbox, as `docker
// exec` does: an interactive shell (Cmd empty) or a command.
type ExecRequest struct {
	// Cmd is the command and its arguments; empty runs the shell.
	Cmd []string
	// Shell is the shell to run when Cmd is empty; "" means bash when the
	// sandbox has it, else sh.
	Shell string
	// TTY allocates a terminal for the process: its output is then one
	// stream (Stdout) of raw terminal bytes, as with `docker exec -t`.
	TTY bool
	// Stdin, when set, is copied to the process's input (`-i`); the caller
	// owns it and stops a read still blocked in it once Exec returns.
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	// Size is the terminal's initial size (TTY only; zero: the engine's
	// default); Resize delivers later sizes until it is closed or Exec
	// returns.
	Size   TermSize
	Resize <-chan TermSize
}

// Describe is the request as the audit log and the status line name it
// (unmasked: callers mask).
func (r ExecRequest) Describe() string {
	if len(r.Cmd) == 0 {
		sh := r.Shell
		if sh == "" {
			sh = "bash, else sh"
		}
		return "shell (" + sh + ")"
	}
	return QuoteCommand(r.Cmd)
}

// Execer is an optional backend capability (CapExec): it runs a process
// inside a running sandbox with the engine's exec API, with or without a
// terminal, and returns its exit code. err is ohdash's failure to run it
// (the sandbox is not running: ErrConflict; unknown: ErrNotFound); the
// exit code is meaningful only when err is nil.
type Execer interface {
	Exec(ctx context.Context, id string, req ExecRequest) (exitCode int, err error)
}

// CommandRequest is a command line for a CommandRunner.
type CommandRequest struct {
	// Command is a command line, run by bash inside the sandbox.
	Command string
	// Cwd is the directory it runs in ("": the server's default).
	Cwd string
	// Timeout is how long the server lets it run (zero: its default).
	Timeout time.Duration
	// Stdout and Stderr receive the output as it arrives, in order.
	Stdout, Stderr io.Writer
}

// CommandRunner is an optional backend capability (CapCommand) of
// sandboxes that have no exec API (the remote runtime API, an app-server):
// it runs one command line through the agent-server's bash API and
// streams its output. There is no terminal and no input: it is a command
// runner, not a shell.
type CommandRunner interface {
	RunCommand(ctx context.Context, id string, req CommandRequest) (exitCode int, err error)
}

// QuoteCommand joins argv into one POSIX shell command line that runs the
// same argv: arguments that need it are single-quoted.
func QuoteCommand(argv []string) string {
	parts := make([]string, len(argv))
	for i, a := range argv {
		parts[i] = quoteArg(a)
	}
	return strings.Join(parts, " ")
}

func quoteArg(a string) string {
	if a == "" {
		return "''"
	}
	safe := true
	for _, r := range a {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("-_./=:@,+%^", r)) {
			safe = false
			break
		}
	}
	if safe {
		return a
	}
	return "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
}

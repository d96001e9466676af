// Package shell connects the user's terminal to a process inside a
// sandbox: raw mode and terminal sizes for an interactive shell (Attach),
// a line-sanitising writer for output that is not a terminal session
// (SafeWriter), and the Bubble Tea ExecCommands with which the dashboard
// steps aside while a shell or a command runs (Shell, Runner).
package shell

import (
	"context"
	"io"

	"github.com/charmbracelet/x/term"

	"github.com/ohdash/ohdash/backend"
)

// ExecFunc runs a process in one sandbox (a backend's Exec, bound to the
// sandbox's id).
type ExecFunc func(ctx context.Context, req backend.ExecRequest) (int, error)

// fder is a stream backed by a file descriptor (a terminal, a pipe).
type fder interface{ Fd() uintptr }

// IsTerminal reports whether s is a terminal.
func IsTerminal(s any) bool {
	f, ok := s.(fder)
	return ok && term.IsTerminal(f.Fd())
}

// Size is the terminal size of s, or zero when s is not a terminal.
func Size(s any) backend.TermSize {
	f, ok := s.(fder)
	if !ok {
		return backend.TermSize{}
	}
	w, h, err := term.GetSize(f.Fd())
	if err != nil || w <= 0 || h <= 0 {
		return backend.TermSize{}
	}
	return backend.TermSize{Rows: uint16(min(h, 1<<15)), Cols: uint16(min(w, 1<<15))}
}

// Attach runs req on the user's terminal: with req.TTY and a terminal on
// in, the terminal is put in raw mode (every key, Ctrl-C included, goes to
// the process) and restored after, and its size follows the terminal's
// (SIGWINCH). With interactive, in is copied to the process's input
// through a reader that is cancelled when the process ends, so no key
// typed afterwards is swallowed.
func Attach(ctx context.Context, in io.Reader, out, errw io.Writer, req backend.ExecRequest, interactive bool, run ExecFunc) (int, error) {
	req.Stdout, req.Stderr = out, errw
	if req.TTY {
		if f, ok := in.(fder); ok && term.IsTerminal(f.Fd()) {
			state, err := term.MakeRaw(f.Fd())
			if err != nil {
				return 0, err
			}
			defer func() { _ = term.Restore(f.Fd(), state) }()
		}
		sizeOf := any(out)
		if !IsTerminal(out) {
			sizeOf = in
		}
		req.Size = Size(sizeOf)
		sizes, stop := watchSize(sizeOf)
		defer stop()
		req.Resize = sizes
	}
	if interactive && in != nil {
		input, err := newInput(in)
		if err != nil {
			return 0, err
		}
		defer input.stop()
		req.Stdin = input
	}
	return run(ctx, req)
}

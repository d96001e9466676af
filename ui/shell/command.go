package shell

import (
	"context"
	"fmt"
	"io"

	"github.com/charmbracelet/x/term"

	"github.com/ohdash/ohdash/backend"
)

// Shell is a tea.ExecCommand running an interactive shell in a sandbox on
// the user's terminal, while the dashboard steps aside: raw mode, a
// terminal in the sandbox that follows the window's size, and the
// dashboard back as it was when the shell exits. Code is the shell's
// exit code once Run returned nil.
type Shell struct {
	ctx     context.Context
	run     ExecFunc
	req     backend.ExecRequest
	banner  string
	in      io.Reader
	out, eo io.Writer
	Code    int
}

// NewShell prepares a shell session; name is the sandbox as shown
// (sanitised by the caller).
func NewShell(ctx context.Context, name string, req backend.ExecRequest, run ExecFunc) *Shell {
	req.TTY = true
	banner := "ohdash: " + req.Describe() + " in " + name + "; exit it to return to the dashboard\r\n"
	return &Shell{ctx: ctx, run: run, req: req, banner: banner}
}

// SetStdin implements tea.ExecCommand.
func (s *Shell) SetStdin(r io.Reader) { s.in = r }

// SetStdout implements tea.ExecCommand.
func (s *Shell) SetStdout(w io.Writer) { s.out = w }

// SetStderr implements tea.ExecCommand.
func (s *Shell) SetStderr(w io.Writer) { s.eo = w }

// Run implements tea.ExecCommand.
func (s *Shell) Run() error {
	_, _ = io.WriteString(s.out, s.banner)
	code, err := Attach(s.ctx, s.in, s.out, s.eo, s.req, true, s.run)
	s.Code = code
	return err
}

// CommandFunc runs a command line in one sandbox (a backend's RunCommand
// bound to the sandbox's id).
type CommandFunc func(ctx context.Context, req backend.CommandRequest) (int, error)

// Runner is a tea.ExecCommand that runs one command line through the
// agent-server's bash API and shows its output as it arrives, sanitised
// and masked, then waits for a key before the dashboard comes back. It is
// honestly not a terminal: no input reaches the command. Ctrl-C stops
// following the output (the command itself may go on in the sandbox).
type Runner struct {
	ctx     context.Context
	run     CommandFunc
	command string
	name    string
	reveal  bool
	in      io.Reader
	out, eo io.Writer
	// Code is the exit code; Stopped reports that the user stopped
	// following before it came.
	Code    int
	Stopped bool
}

// NewRunner prepares a command run; name is the sandbox as shown.
func NewRunner(ctx context.Context, name, command string, reveal bool, run CommandFunc) *Runner {
	return &Runner{ctx: ctx, run: run, command: command, name: name, reveal: reveal}
}

// SetStdin implements tea.ExecCommand.
func (r *Runner) SetStdin(in io.Reader) { r.in = in }

// SetStdout implements tea.ExecCommand.
func (r *Runner) SetStdout(w io.Writer) { r.out = w }

// SetStderr implements tea.ExecCommand.
func (r *Runner) SetStderr(w io.Writer) { r.eo = w }

// Run implements tea.ExecCommand.
func (r *Runner) Run() error {
	raw := false
	if f, ok := r.in.(fder); ok && term.IsTerminal(f.Fd()) {
		// Raw mode: Ctrl-C arrives as a key to stop following, not as a
		// signal that would end the dashboard.
		if state, err := term.MakeRaw(f.Fd()); err == nil {
			raw = true
			defer func() { _ = term.Restore(f.Fd(), state) }()
		}
	}
	out := NewSafeWriter(r.out, r.reveal, raw)
	eol := "\n"
	if raw {
		eol = "\r\n"
	}
	head := "ohdash: running in " + r.name + " through the agent-server bash API (a command runner: no terminal, no input; ctrl+c stops following)"
	fmt.Fprintf(r.out, "%s%s$ %s%s", head, eol, backend.ShowText(r.command, r.reveal), eol)

	ctx, cancel := context.WithCancel(r.ctx)
	defer cancel()
	keys := make(chan byte, 16)
	var in *input
	if r.in != nil {
		var err error
		if in, err = newInput(r.in); err == nil {
			go readKeys(in, keys)
		}
	}
	done := make(chan struct{})
	var code int
	var err error
	go func() {
		defer close(done)
		code, err = r.run(ctx, backend.CommandRequest{Command: r.command, Stdout: out, Stderr: out})
	}()
	for waiting := true; waiting; {
		select {
		case <-done:
			waiting = false
		case k, ok := <-keys:
			if ok && k == 3 { // ctrl+c
				r.Stopped = true
				cancel()
			}
		}
	}
	_ = out.Flush()
	switch {
	case r.Stopped:
		fmt.Fprintf(r.out, "%sohdash: stopped following; the command may still be running in the sandbox.%s", eol, eol)
	case err != nil:
		fmt.Fprintf(r.out, "%sohdash: %s%s", eol, backend.SafeText(err.Error()), eol)
	default:
		r.Code = code
		fmt.Fprintf(r.out, "%sohdash: exit code %d%s", eol, code, eol)
	}
	fmt.Fprintf(r.out, "press enter to return to the dashboard%s", eol)
	if in != nil {
		for k := range keys {
			if k == '\r' || k == '\n' || k == 'q' || k == 3 || k == 0x1b {
				break
			}
		}
		in.stop()
	}
	if r.Stopped {
		return nil
	}
	return err
}

// readKeys passes the bytes read on until the reader is cancelled or
// fails; keys typed faster than they are looked at are dropped.
func readKeys(r io.Reader, keys chan<- byte) {
	defer close(keys)
	var b [64]byte
	for {
		n, err := r.Read(b[:])
		for _, c := range b[:n] {
			select {
			case keys <- c:
			default:
			}
		}
		if err != nil {
			return
		}
	}
}

package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/moby/moby/api/pkg/stdcopy"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

var _ backend.Execer = (*Backend)(nil)

// defaultShell starts bash when the sandbox has it and sh otherwise, in
// one exec (no second round trip to look for bash first).
var defaultShell = []string{"/bin/sh", "-c", "if command -v bash >/dev/null 2>&1; then exec bash; fi; exec sh"}

// exitWait bounds how long Exec waits for the engine to record the exit
// code once the output has ended (the stream closes a moment before the
// exec is marked as no longer running).
const exitWait = 5 * time.Second

// execSetupWait bounds how long Exec waits for the engine to start the
// process (inspect, create, attach). The dashboard has stepped aside and
// the terminal is in raw mode by then: Ctrl-C reaches no one, and a frozen
// engine would leave the user with no way back.
const execSetupWait = 15 * time.Second

// Exec runs a process in a running sandbox through the engine's exec API
// (ExecCreate, then ExecAttach on the hijacked connection, ExecResize on
// every size from req.Resize, ExecInspect for the exit code). It returns
// when the process's output ends. It works over every endpoint the
// backend reaches (local socket, ssh://, a context's host): the hijacked
// stream goes through the same dialer as every other call.
func (b *Backend) Exec(ctx context.Context, id string, req backend.ExecRequest) (int, error) {
	// The setup calls are bounded by a watchdog, not a deadline: the
	// context the attach is made with lives as long as the stream does.
	wait := b.execSetup
	if wait <= 0 {
		wait = execSetupWait
	}
	sctx, cancelSetup := context.WithCancel(ctx)
	defer cancelSetup()
	watchdog := time.AfterFunc(wait, cancelSetup)
	att, execID, err := b.execStart(sctx, id, req)
	if !watchdog.Stop() && ctx.Err() == nil {
		if err == nil {
			att.Close()
		}
		return 0, fmt.Errorf("exec in %s: the engine did not start the process within %s: %w", id, wait, backend.ErrUnavailable)
	}
	if err != nil {
		return 0, err
	}
	defer att.Close()
	// A cancelled ctx (Ctrl-C on a command without a terminal, the
	// dashboard quitting) ends the stream; the process may go on.
	stopClose := context.AfterFunc(ctx, att.Close)
	defer stopClose()

	done := make(chan struct{})
	var wg sync.WaitGroup
	if req.TTY && (req.Resize != nil || req.Size.Rows > 0) {
		wg.Go(func() { b.forwardResizes(ctx, execID, req.Size, req.Resize, done) })
	}
	if req.Stdin != nil {
		// Not waited for: a read may stay blocked in the caller's reader
		// after the process ended (the caller owns and cancels it).
		go func() {
			_, _ = io.Copy(att.Conn, req.Stdin)
			_ = att.CloseWrite()
		}()
	}
	stdout, stderr := orDiscard(req.Stdout), orDiscard(req.Stderr)
	if req.TTY {
		_, err = io.Copy(stdout, att.Reader)
	} else {
		_, err = stdcopy.StdCopy(stdout, stderr, att.Reader)
	}
	close(done)
	wg.Wait()
	if ctx.Err() != nil {
		return 0, fmt.Errorf("exec in %s: %w", id, ctx.Err())
	}
	if err != nil && !errors.Is(err, io.EOF) {
		return 0, engineErr("exec", id, err)
	}
	return b.exitCode(ctx, id, execID)
}

// execStart creates the exec process in a running sandbox and attaches
// to its streams.
func (b *Backend) execStart(ctx context.Context, id string, req backend.ExecRequest) (client.ExecAttachResult, string, error) {
	var none client.ExecAttachResult
	c, err := b.inspectSandbox(ctx, "exec", id)
	if err != nil {
		return none, "", err
	}
	if st := stateOf(c); st != "running" {
		return none, "", fmt.Errorf("exec in %s: it is %s, not running: %w", id, st, backend.ErrConflict)
	}
	cmd := req.Cmd
	if len(cmd) == 0 {
		cmd = defaultShell
		if req.Shell != "" {
			cmd = []string{req.Shell}
		}
	}
	size := client.ConsoleSize{}
	if req.TTY && req.Size.Rows > 0 && req.Size.Cols > 0 {
		size = client.ConsoleSize{Height: uint(req.Size.Rows), Width: uint(req.Size.Cols)}
	}
	created, err := b.cli.ExecCreate(ctx, c.ID, client.ExecCreateOptions{
		TTY: req.TTY, ConsoleSize: size, Cmd: cmd,
		AttachStdin: req.Stdin != nil, AttachStdout: true, AttachStderr: true,
	})
	if err != nil {
		return none, "", engineErr("exec", id, err)
	}
	att, err := b.streams.ExecAttach(ctx, created.ID, client.ExecAttachOptions{TTY: req.TTY, ConsoleSize: size})
	if err != nil {
		return none, "", engineErr("exec", id, err)
	}
	return att, created.ID, nil
}

// forwardResizes sets the initial size (engines before API 1.42 ignore
// the one given at creation; a process just starting may refuse it, so it
// is tried a few times) and then passes every new terminal size on to the
// engine until the process's output ends.
func (b *Backend) forwardResizes(ctx context.Context, execID string, first backend.TermSize, sizes <-chan backend.TermSize, done <-chan struct{}) {
	if first.Rows > 0 && first.Cols > 0 {
		for try := range 5 {
			_, err := b.cli.ExecResize(ctx, execID, client.ExecResizeOptions{Height: uint(first.Rows), Width: uint(first.Cols)})
			if err == nil {
				break
			}
			select {
			case <-done:
				return
			case <-time.After(time.Duration(try+1) * 50 * time.Millisecond):
			}
		}
	}
	for {
		select {
		case <-done:
			return
		case <-ctx.Done():
			return
		case s, ok := <-sizes:
			if !ok {
				return
			}
			if s.Rows == 0 || s.Cols == 0 {
				continue
			}
			// A failed resize is cosmetic; the session goes on.
			_, _ = b.cli.ExecResize(ctx, execID, client.ExecResizeOptions{Height: uint(s.Rows), Width: uint(s.Cols)})
		}
	}
}

// exitCode waits briefly for the engine to record the process's exit.
func (b *Backend) exitCode(ctx context.Context, id, execID string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, exitWait)
	defer cancel()
	for delay := 10 * time.Millisecond; ; delay = min(2*delay, 250*time.Millisecond) {
		res, err := b.cli.ExecInspect(ctx, execID, client.ExecInspectOptions{})
		if err != nil {
			return 0, engineErr("exec", id, err)
		}
		if !res.Running {
			return res.ExitCode, nil
		}
		select {
		case <-ctx.Done():
			return 0, fmt.Errorf("exec in %s: the output ended but the process is still running: %w", id, backend.ErrUnavailable)
		case <-time.After(delay):
		}
	}
}

func orDiscard(w io.Writer) io.Writer {
	if w == nil {
		return io.Discard
	}
	return w
}

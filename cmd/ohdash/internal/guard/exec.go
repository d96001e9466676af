package guard

import (
	"context"
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

// SandboxExec is the audit action of a shell or a command run inside a
// sandbox (Docker exec or the agent-server's bash API). Its detail is the
// command line, masked like every audit field; its outcome line carries
// the exit code.
const SandboxExec = "sandbox.exec"

var (
	_ backend.Execer        = guarded{}
	_ backend.CommandRunner = guarded{}
)

// Exec runs a shell or a command in a sandbox. It can change anything in
// the sandbox, so read-only mode refuses it; the intent is recorded before
// the process starts, the exit code after it ends.
func (b guarded) Exec(ctx context.Context, id string, req backend.ExecRequest) (int, error) {
	ex, ok := b.Backend.(backend.Execer)
	if !ok {
		return 0, fmt.Errorf("exec in %s: the %s backend has no exec API: %w", id, b.Name(), backend.ErrUnsupported)
	}
	op := b.op(SandboxExec, id)
	op.Detail = req.Describe()
	if req.TTY {
		op.Detail += " (terminal)"
	}
	var code int
	err := b.g.do(ctx, op, &code, func(ctx context.Context) (string, error) {
		var err error
		code, err = ex.Exec(ctx, id, req)
		return "", err
	})
	return code, err
}

// RunCommand runs a command line through the sandbox's agent-server bash
// API, under the same policy as Exec.
func (b guarded) RunCommand(ctx context.Context, id string, req backend.CommandRequest) (int, error) {
	cr, ok := b.Backend.(backend.CommandRunner)
	if !ok {
		return 0, fmt.Errorf("run a command in %s: the %s backend cannot: %w", id, b.Name(), backend.ErrUnsupported)
	}
	op := b.op(SandboxExec, id)
	op.Detail = req.Command + " (agent-server bash API)"
	var code int
	err := b.g.do(ctx, op, &code, func(ctx context.Context) (string, error) {
		var err error
		code, err = cr.RunCommand(ctx, id, req)
		return "", err
	})
	return code, err
}

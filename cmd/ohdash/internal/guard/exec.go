package guard

import (
	"context"
	"fmt"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
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
	op.Detail = visibleControls(req.Describe())
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
	op.Detail = visibleControls(req.Command) + " (agent-server bash API)"
	var code int
	err := b.g.do(ctx, op, &code, func(ctx context.Context) (string, error) {
		var err error
		code, err = cr.RunCommand(ctx, id, req)
		return "", err
	})
	return code, err
}

// visibleControls writes out the control characters, escapes and bidi
// overrides of a command line as \xNN or \uNNNN, before the audit entry
// is sanitised: sanitising drops an escape sequence with its payload, and
// a shell runs what follows a line break inside one, so a command hidden
// there would leave no trace in the log.
func visibleControls(s string) string {
	if strings.IndexFunc(s, sanitize.UnsafeRune) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case !sanitize.UnsafeRune(r):
			b.WriteRune(r)
		case r < 0x80:
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.String()
}

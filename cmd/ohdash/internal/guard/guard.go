// Package guard is the one place every action that changes something goes
// through, from the command line and from the dashboard alike: it refuses
// them in read-only mode (wrapping backend.ErrReadOnly) and records each
// attempt, refused, failed or done, in the audit log. It decorates
// backends, so the UI's own read-only check has a second line of defence
// behind it.
package guard

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Guard holds the policy. The zero value allows everything and audits
// nothing.
type Guard struct {
	// ReadOnly refuses every mutating action.
	ReadOnly bool
	// Why says where read-only mode came from ("--readonly",
	// "readonly = true in ~/.config/ohdash/config.toml"), for the refusal.
	Why string
	// Audit records actions; nil records nothing.
	Audit *Audit
	// Log receives a debug line per action; nil discards.
	Log *slog.Logger
}

// Op describes one action for the checks and the audit entry.
type Op struct {
	Action  string // "sandbox.pause"
	Backend string
	Target  string
	Sandbox string
	Detail  string
}

// Do runs fn under the policy: refused in read-only mode, refused when the
// audit log cannot be written (an action must never go unrecorded), and
// recorded otherwise in two lines linked by an op_id: the intent, synced
// before fn reaches a backend (so a crash or SIGKILL mid-action still
// leaves a trace), and the outcome after. target, when fn sets it,
// replaces op.Target in the outcome (a start learns its sandbox's id). An
// action cut short by the cancellation of ctx (Ctrl-C) is recorded as
// "interrupted": it may have happened.
func (g *Guard) Do(ctx context.Context, op Op, fn func(ctx context.Context) (target string, err error)) error {
	return g.do(ctx, op, nil, fn)
}

// do is Do; when exit is set, the outcome line also records *exit as the
// exit code of what ran (set by fn).
func (g *Guard) do(ctx context.Context, op Op, exit *int, fn func(ctx context.Context) (target string, err error)) error {
	start := time.Now()
	entry := Entry{Time: start, Backend: op.Backend, Action: op.Action, Target: op.Target, Sandbox: op.Sandbox, Detail: op.Detail, OpID: newOpID()}
	if g.ReadOnly {
		return g.refuse(op, entry)
	}
	if g.Audit != nil {
		intent := entry
		intent.Result = ResultIntent
		if err := g.Audit.Record(intent); err != nil {
			return fmt.Errorf("%s refused: %w (set audit_log = \"off\" to act without an audit log)", op.Action, err)
		}
	}
	target, err := fn(ctx)
	if target != "" {
		entry.Target = target
	}
	entry.Time = time.Now()
	entry.DurationMS = time.Since(start).Milliseconds()
	entry.Result = ResultOK
	switch {
	case err == nil:
		entry.ExitCode = exit
	case errors.Is(ctx.Err(), context.Canceled):
		entry.Result, entry.Error = ResultInterrupted, err.Error()
	default:
		entry.Result, entry.Error = ResultError, err.Error()
	}
	g.record(entry)
	return err
}

// Refuse records op as refused and returns the refusal, when read-only
// mode is on; nil otherwise. The dashboard refuses before it asks, and
// calls this so its refusals are in the audit log like the command line's.
func (g *Guard) Refuse(op Op) error {
	if !g.ReadOnly {
		return nil
	}
	return g.refuse(op, Entry{Time: time.Now(), Backend: op.Backend, Action: op.Action, Target: op.Target, Sandbox: op.Sandbox, Detail: op.Detail, OpID: newOpID()})
}

// Conflict records an action refused before it ran because it does not
// fit the current state (why wraps backend.ErrConflict: pausing a finished
// conversation), and returns why. Read-only mode comes first: a read-only
// guard refuses for that reason, as Do would.
func (g *Guard) Conflict(op Op, why error) error {
	if g.ReadOnly {
		return g.Refuse(op)
	}
	entry := Entry{Time: time.Now(), Backend: op.Backend, Action: op.Action, Target: op.Target, Sandbox: op.Sandbox, Detail: op.Detail, OpID: newOpID()}
	entry.Result, entry.Error = ResultRefused, why.Error()
	g.record(entry)
	return why
}

func (g *Guard) refuse(op Op, entry Entry) error {
	err := fmt.Errorf("%s %s: %w: changes are disabled%s", op.Action, describe(op), backend.ErrReadOnly, g.because())
	entry.Result, entry.Error = ResultRefused, err.Error()
	g.record(entry)
	return err
}

// newOpID is a random id linking an action's intent and outcome lines.
func newOpID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails (Go 1.24+)
	return hex.EncodeToString(b[:])
}

func (g *Guard) because() string {
	if g.Why == "" {
		return ""
	}
	return " (" + g.Why + ")"
}

func describe(op Op) string {
	if op.Target != "" {
		return op.Target
	}
	return "on " + op.Backend
}

func (g *Guard) record(e Entry) {
	if g.Log != nil {
		g.Log.Debug("action", "action", e.Action, "backend", e.Backend, "target", e.Target, "result", e.Result, "error", e.Error)
	}
	if g.Audit == nil {
		return
	}
	if err := g.Audit.Record(e); err != nil && g.Log != nil {
		g.Log.Error("audit log write failed", "err", err)
	}
}

// IsReadOnly reports whether err is a read-only refusal.
func IsReadOnly(err error) bool { return errors.Is(err, backend.ErrReadOnly) }

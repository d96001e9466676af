// Package prune is the policy of `ohdash prune`: which sandboxes a
// cleanup deletes or pauses, and why each other one is kept. It does no
// I/O: the command measures (lists, reads the last log line and the
// conversations) and acts; the policy only decides, so every rule is a
// table test.
package prune

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Policy selects sandboxes. Every rule given must hold; a policy with no
// rule at all selects nothing (see Validate): "prune" alone never means
// "everything".
type Policy struct {
	// Statuses: only sandboxes in one of these (none: any status).
	Statuses []backend.Status
	// OlderThan: only sandboxes created at least this long ago (0: any).
	OlderThan time.Duration
	// Idle: only sandboxes with no log line and no conversation activity
	// for at least this long (0: not asked).
	Idle time.Duration
	// Backends: only sandboxes of these backends (none: every backend).
	Backends []string
	// Action is what is done to the selected: delete (default) or pause.
	Action backend.Action
}

// ErrNoRule is a policy without any rule.
var ErrNoRule = errors.New("give at least one of --status, --older-than, --idle")

// Validate checks the policy is usable.
func (p Policy) Validate() error {
	// A negative duration is a mistake, not "no rule": dropping it would
	// widen the selection ("--status PAUSED --older-than -24h" would mean
	// every paused sandbox).
	if p.OlderThan < 0 {
		return fmt.Errorf("--older-than %s: want a positive duration", p.OlderThan)
	}
	if p.Idle < 0 {
		return fmt.Errorf("--idle %s: want a positive duration", p.Idle)
	}
	if len(p.Statuses) == 0 && p.OlderThan <= 0 && p.Idle <= 0 {
		return ErrNoRule
	}
	switch p.Action {
	case backend.ActionDelete, backend.ActionPause:
	default:
		return fmt.Errorf("--action %q: want delete or pause", p.Action)
	}
	return nil
}

// Activity is what could be measured of a sandbox's last activity.
type Activity struct {
	// Last is the newest log line or conversation event time seen.
	Last time.Time
	// Known says Last was measured; when false, Why says what could not
	// be read.
	Known bool
	Why   string
	// Busy names a conversation the agent-server says is running: the
	// agent works now, whatever the clocks say (a server clock behind
	// ours dates every event hours ago; a long model call logs nothing).
	Busy string
}

// Decision is the policy's answer for one sandbox.
type Decision struct {
	// Act is set when the sandbox is selected.
	Act bool
	// Reason says why it is selected or kept, for the report.
	Reason string
	// Age is since creation (-1: unknown); Idle since the last activity
	// (-1: not measured).
	Age, Idle time.Duration
}

// Decide applies the policy to sb (of backend src) at now, with its
// activity (read only when the policy has an idle rule).
func (p Policy) Decide(src string, sb backend.Sandbox, act Activity, now time.Time) Decision {
	d := Decision{Age: -1, Idle: -1}
	if !sb.CreatedAt.IsZero() {
		d.Age = max(0, now.Sub(sb.CreatedAt))
	}
	if act.Known {
		d.Idle = max(0, now.Sub(act.Last))
	}
	keep := func(why string) Decision { d.Reason = why; return d }
	// The one rule no option turns off: ohdash only ever removes what it
	// can tell is a sandbox, by the name prefix its backend recognised.
	if sb.Prefix == "" || !strings.HasPrefix(sb.ID, sb.Prefix) || len(sb.ID) == len(sb.Prefix) {
		return keep("no known sandbox prefix: not a sandbox ohdash may remove")
	}
	if len(p.Backends) > 0 && !slices.Contains(p.Backends, src) {
		return keep("backend " + src + " not selected")
	}
	var why []string
	if len(p.Statuses) > 0 {
		if !slices.Contains(p.Statuses, sb.Status) {
			return keep("status " + string(sb.Status) + " not selected")
		}
		why = append(why, "status "+string(sb.Status))
	}
	if p.OlderThan > 0 {
		if d.Age < 0 {
			return keep("creation time unknown: age cannot be measured")
		}
		if d.Age < p.OlderThan {
			return keep("younger than " + p.OlderThan.String())
		}
		why = append(why, "older than "+p.OlderThan.String())
	}
	if p.Idle > 0 {
		if act.Busy != "" {
			return keep("conversation " + act.Busy + " is running")
		}
		if !act.Known {
			w := act.Why
			if w == "" {
				w = "no log line or conversation to date it"
			}
			return keep("idleness cannot be measured (" + w + ")")
		}
		if d.Idle < p.Idle {
			return keep("active within " + p.Idle.String())
		}
		why = append(why, "idle for "+p.Idle.String()+" or more")
	}
	if p.Action == backend.ActionPause && sb.Status != backend.StatusRunning && sb.Status != backend.StatusStarting {
		return keep("is " + string(sb.Status) + ": only a running sandbox can be paused")
	}
	d.Act = true
	d.Reason = strings.Join(why, ", ")
	return d
}

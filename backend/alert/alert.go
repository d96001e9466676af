// Package alert is what ohdash says when something in the fleet needs a
// person: a conversation waiting for confirmation, failed, stuck or
// finished; a sandbox stopped, dead or unhealthy; a spend budget crossed.
package alert

import "time"

// Kind names what happened. The values are stable: scripts read them in
// `ohdash watch --json` and hook commands.
type Kind string

// The kinds of alert.
const (
	// Conversation state changes.
	ConvWaiting  Kind = "waiting_for_confirmation"
	ConvError    Kind = "error"
	ConvStuck    Kind = "stuck"
	ConvFinished Kind = "finished"
	// Sandbox state changes.
	SandboxStopped   Kind = "sandbox_stopped"
	SandboxDied      Kind = "sandbox_died"
	SandboxUnhealthy Kind = "sandbox_unhealthy"
	// Budget is a spend budget crossed.
	Budget Kind = "budget"
)

// Alert is one state change worth telling someone about. The JSON field
// names are stable (`ohdash watch --json`, the hook's stdin).
type Alert struct {
	Time         time.Time `json:"time"`
	Kind         Kind      `json:"kind"`
	Backend      string    `json:"backend"`
	Sandbox      string    `json:"sandbox,omitempty"`
	Conversation string    `json:"conversation,omitempty"`
	From         string    `json:"from,omitempty"`
	To           string    `json:"to"`
	Title        string    `json:"title,omitempty"`
}

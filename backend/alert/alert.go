// Package alert is what ohdash says when something in the fleet needs a
// person: a conversation waiting for confirmation, failed, stuck or
// finished; a sandbox stopped, dead or unhealthy; a spend budget crossed.
package alert

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

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

// Suppressed is the summary a rate-limited channel sends once its window
// is over: Title says how many alerts it held back.
const Suppressed Kind = "suppressed"

// Kinds lists every kind a configuration may name, in a stable order.
var Kinds = []Kind{ConvWaiting, ConvError, ConvStuck, ConvFinished, SandboxStopped, SandboxDied, SandboxUnhealthy, Budget}

// Valid reports whether k is one of Kinds (or Suppressed).
func (k Kind) Valid() bool { return k == Suppressed || slices.Contains(Kinds, k) }

// Clean returns the alert with every string made safe for any output:
// escape sequences and control characters dropped, secrets masked (by
// name and by every value ohdash knows). Every channel and `ohdash watch`
// sends only cleaned alerts; fields come from servers and containers.
func (a Alert) Clean() Alert {
	f := backend.SafeText
	a.Kind = Kind(f(string(a.Kind)))
	a.Backend, a.Sandbox, a.Conversation = f(a.Backend), f(a.Sandbox), f(a.Conversation)
	a.From, a.To, a.Title = f(a.From), f(a.To), f(a.Title)
	return a
}

// Subject is what the alert is about, in a few words: the conversation
// (by title, or a short id) and its sandbox, or the sandbox.
func (a Alert) Subject() string {
	switch {
	case a.Conversation != "" && a.Title != "":
		return fmt.Sprintf("%q in %s", a.Title, a.Sandbox)
	case a.Conversation != "":
		return "conversation " + short(a.Conversation) + " in " + a.Sandbox
	case a.Sandbox != "":
		return a.Sandbox
	}
	return a.Backend
}

// Text is the alert as one sentence for a notification: "ohdash: … waiting
// for confirmation". Call it on a cleaned alert.
func (a Alert) Text() string {
	what := strings.ReplaceAll(string(a.To), "_", " ")
	switch a.Kind {
	case SandboxStopped:
		what = "stopped"
	case SandboxDied:
		what = "died"
	case SandboxUnhealthy:
		what = "unhealthy"
	case Suppressed, Budget:
		return a.Title
	}
	s := a.Subject() + " " + what
	if a.Conversation == "" && a.Title != "" {
		s += ": " + a.Title
	}
	return s
}

// short is the first 8 characters of an id (runes: a cut inside a
// multi-byte character would print invalid UTF-8 after cleaning).
func short(id string) string {
	if r := []rune(id); len(r) > 8 {
		return string(r[:8])
	}
	return id
}

package agentserver

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/ohdash/ohdash/backend/sim/faults"
)

// Confirmation policies (SDKP/security/confirmation_policy.py kinds).
const (
	NeverConfirm  = "NeverConfirm"
	AlwaysConfirm = "AlwaysConfirm"
	ConfirmRisky  = "ConfirmRisky"
)

// Options configure a Server. The zero value is a current (1.44) server
// with auth off, an instant agent and no faults.
type Options struct {
	// Version is the agent-server release to play, e.g. "1.44.0" or
	// "1.1.0"; every version-dependent behaviour is gated on it.
	Version string
	// Keys are the accepted session API keys; none switches auth off.
	Keys []string
	// Pace is the pause between the scripted agent's steps (0: none).
	Pace time.Duration
	// Confirmation is the policy of conversations created without one
	// (default NeverConfirm).
	Confirmation string
	// Model is the LLM model name of conversations created without one.
	Model string
	// Location is the server's local time zone: event timestamps are naive
	// local times. Default time.Local.
	Location *time.Location
	// AuthTimeout is how long a websocket waits for a first-message auth
	// frame (default 10 s, as on the real server).
	AuthTimeout time.Duration
	// Faults are the starting fault knobs.
	Faults faults.Config
	// Content are the starting hostile-content knobs.
	Content Content
	// Variant are the starting deviations from the played release
	// (ignored query parameters, the /health shape); none by default.
	Variant Variant
	// Now is the wall clock (default time.Now).
	Now func() time.Time
	// Logger receives the warnings the real server logs for websockets
	// (failed auth, unknown conversation, subscriber cap); nil discards.
	// Keys are never logged.
	Logger *slog.Logger
}

// Content are knobs that make the scripted agent's output hostile.
type Content struct {
	// Hostile puts terminal escape sequences, invalid UTF-8 bytes and a
	// lone-surrogate escape into command output and agent replies.
	Hostile bool `json:"hostile"`
	// OversizedBytes, when > 0, makes every observation carry at least that
	// many bytes of output (5<<20 for "a 5 MB event").
	OversizedBytes int `json:"oversized_bytes"`
}

func (o Options) resolve() (Options, Version, error) {
	v := DefaultVersion
	if o.Version != "" {
		var err error
		if v, err = ParseVersion(o.Version); err != nil {
			return o, v, err
		}
	}
	switch o.Confirmation {
	case "":
		o.Confirmation = NeverConfirm
	case NeverConfirm, AlwaysConfirm, ConfirmRisky:
	default:
		return o, v, fmt.Errorf("confirmation policy %q: want %s, %s or %s", o.Confirmation, NeverConfirm, AlwaysConfirm, ConfirmRisky)
	}
	if o.Model == "" {
		o.Model = "litellm_proxy/anthropic/claude-sonnet-4-5-20250929"
	}
	if o.Location == nil {
		o.Location = time.Local
	}
	if o.AuthTimeout <= 0 {
		o.AuthTimeout = 10 * time.Second
	}
	if o.Pace < 0 {
		return o, v, fmt.Errorf("pace %v must not be negative", o.Pace)
	}
	if o.Content.OversizedBytes < 0 {
		return o, v, fmt.Errorf("oversized bytes %d must not be negative", o.Content.OversizedBytes)
	}
	if err := o.Faults.Validate(); err != nil {
		return o, v, err
	}
	if err := o.Variant.Validate(); err != nil {
		return o, v, err
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o, v, nil
}

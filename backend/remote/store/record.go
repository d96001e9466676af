package store

import "time"

// Record is what ohdash remembers about one remote sandbox. The runtime API
// forgets stopped runtimes, so this record is the only place a sandbox that
// has been stopped for a while can still be seen. Session API keys are never
// stored: a runtime that is alive hands its key out again on every list.
type Record struct {
	// ID is the sandbox id, which is also the runtime API session_id.
	ID string `json:"id"`
	// APIURL is the runtime API the sandbox lives behind.
	APIURL string `json:"api_url"`
	// RuntimeID is the runtime API's own id, needed for /pause, /resume and
	// /stop; empty until the API has answered for this sandbox.
	RuntimeID string `json:"runtime_id,omitempty"`
	// RuntimeURL is the agent-server URL the runtime last reported.
	RuntimeURL string `json:"runtime_url,omitempty"`

	// The start spec, minus the environment: it often carries LLM keys,
	// and a state file is no place for credentials.
	Image          string   `json:"image,omitempty"`
	SpecID         string   `json:"spec_id,omitempty"`
	Command        []string `json:"command,omitempty"`
	WorkingDir     string   `json:"working_dir,omitempty"`
	ResourceFactor int      `json:"resource_factor,omitempty"`
	RuntimeClass   string   `json:"runtime_class,omitempty"`

	CreatedAt time.Time `json:"created_at"`
	// CreatedBy is the OS user that started the sandbox through ohdash;
	// empty for sandboxes ohdash only saw in the runtime API's list.
	CreatedBy string `json:"created_by,omitempty"`
	// StartedHere reports whether this ohdash store's owner started it.
	StartedHere bool `json:"started_here,omitempty"`

	// Status is the last known backend.Status ("RUNNING", "MISSING", ...).
	Status string `json:"status"`
	// RawState is the runtime API's own words ("running/ready").
	RawState     string `json:"raw_state,omitempty"`
	StatusDetail string `json:"status_detail,omitempty"`
	// LastSeen is when the runtime API last reported the sandbox at all.
	LastSeen time.Time `json:"last_seen,omitzero"`
	// CheckedAt is when the status was last confirmed with the runtime API.
	CheckedAt time.Time `json:"checked_at,omitzero"`
	UpdatedAt time.Time `json:"updated_at"`
}

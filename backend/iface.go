package backend

import (
	"context"
	"time"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// Snapshot is the full, current list of sandboxes of one source together
// with the state of the connection it came from. Sources always send whole
// snapshots, so a consumer that missed one loses nothing.
type Snapshot struct {
	Source string
	// Seq increases with every snapshot of a source.
	Seq       uint64
	Sandboxes []Sandbox
	Conn      ConnState
	// Listed is false until the source has produced one successful list;
	// an empty, unlisted snapshot means "don't know yet", not "none".
	Listed bool
	// Notice is something to tell the person once (a damaged state file
	// moved aside and rebuilt); it is not a failure of the connection.
	// Every later snapshot carries the same value until another notice
	// replaces it, because a slow reader only sees the newest snapshot: a
	// consumer says it when the value differs from the one before.
	Notice error
	// Engine names the engine behind the source when it says, e.g.
	// "Podman 4.3.1" or "Docker 20.10.24"; empty when unknown.
	Engine string
}

// SandboxSource watches one backend's sandboxes.
type SandboxSource interface {
	// Name identifies the source in rows, the status bar and the CLI.
	Name() string
	// Watch sends snapshots until ctx is done, then closes the channel. A
	// slow reader never builds a backlog: it receives the newest snapshot.
	Watch(ctx context.Context) <-chan Snapshot
}

// SandboxLister lists sandboxes once, for scripts.
type SandboxLister interface {
	List(ctx context.Context) ([]Sandbox, error)
}

// SandboxGetter reads one sandbox as it is now, without listing the others:
// what a reconnecting stream asks to find a sandbox's current URL.
type SandboxGetter interface {
	Get(ctx context.Context, id string) (Sandbox, error)
}

// SandboxController runs lifecycle actions on sandboxes.
type SandboxController interface {
	Start(ctx context.Context, req StartRequest) (Sandbox, error)
	Pause(ctx context.Context, id string) error
	Resume(ctx context.Context, id string) error
	Delete(ctx context.Context, id string) error
}

// SandboxStopper stops a sandbox's container without removing it, as
// OpenHands does to a V0 conversation runtime once its conversation has
// stopped. A stopped sandbox shows as PAUSED; Resume starts it again.
type SandboxStopper interface {
	Stop(ctx context.Context, id string) error
}

// StartRequest describes a sandbox to start. Zero fields take OpenHands'
// defaults from the backend's sandbox spec.
type StartRequest struct {
	Image      string
	Command    []string
	Env        map[string]string
	WorkingDir string
	// SpecID is recorded as the sandbox_spec_id; it defaults to Image.
	SpecID string
	Mounts []Mount
	// ResourceFactor and RuntimeClass apply to remote runtimes only.
	ResourceFactor int
	RuntimeClass   string
}

// Mount binds a host path into the sandbox.
type Mount struct {
	HostPath, ContainerPath string
	ReadOnly                bool
}

// LogOptions chooses which log lines to stream.
type LogOptions struct {
	Follow bool
	// Tail limits the history to the last N lines; negative means all.
	Tail int
	// Since skips lines older than this time (zero: no limit).
	Since time.Time
	// Lossless asks for every line: a consumer that falls behind slows
	// the reading of the stream down (backpressure), as `docker logs`
	// does, instead of losing lines; memory stays bounded all the same.
	// For a command line's output. Without it a slow consumer loses the
	// oldest pending lines, counted in Batch.Dropped (a display's choice).
	Lossless bool
	// StripColor drops colour from the lines at the source, for output
	// that is not a terminal.
	StripColor bool
	// Untimed says the consumer has no use for Line.Time. A history read
	// (not Follow) then asks the engine for no timestamps, which costs it
	// less; such a read cannot resume after a broken connection, so it
	// ends with the error instead (lines carry no time to resume from).
	Untimed bool
}

// LogStreamer streams a sandbox's logs.
type LogStreamer interface {
	// Logs delivers batches until ctx is done or the stream ends for good,
	// then closes the channel. An error is returned only when the stream
	// cannot start at all (unknown sandbox).
	Logs(ctx context.Context, id string, opts LogOptions) (<-chan logbuf.Batch, error)
}

// Backend is a source of sandboxes with its lifecycle controller. Optional
// capabilities (LogStreamer, SandboxStopper, Explainer) are asked about
// with Supports, which sees through decorators.
type Backend interface {
	SandboxSource
	SandboxLister
	SandboxController
}

// Action names a lifecycle action, for confirmations, read-only checks
// and the audit log.
type Action string

// Sandbox lifecycle actions.
const (
	ActionStart  Action = "start"
	ActionPause  Action = "pause"
	ActionResume Action = "resume"
	ActionDelete Action = "delete"
)

// Explainer is an optional backend capability: it says, in a sentence or
// two for a confirmation dialog, what an action will do to a sandbox on
// this backend and what is lost.
type Explainer interface {
	Explain(a Action, sb Sandbox) string
}

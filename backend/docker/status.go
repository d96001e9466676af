package docker

import (
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// stateStatus maps a Docker container state to a SandboxStatus the way
// OpenHands' Docker sandbox service does (PROTOCOL.md §4.3). An exited
// container is PAUSED, not MISSING: resume starts it again.
func stateStatus(state string) backend.Status {
	switch state {
	case "running":
		return backend.StatusRunning
	case "paused", "exited":
		return backend.StatusPaused
	case "created", "restarting":
		return backend.StatusStarting
	case "removing":
		return backend.StatusMissing
	default: // "dead" and anything a newer engine invents
		return backend.StatusError
	}
}

// statusInput is everything the status of one sandbox depends on.
type statusInput struct {
	State    string
	ExitCode int
	// ExitKnown is set once an inspect has told the exit code.
	ExitKnown bool
	OOMKilled bool
	Health    backend.Health
	StartedAt time.Time
	Grace     time.Duration
	Now       time.Time
}

// sandboxStatus combines the Docker state with the agent-server health
// probe: a running container whose agent-server fails its probe is ERROR,
// except within the start-up grace period after the container started,
// when it is still STARTING. A running container not probed yet reads
// STARTING within the grace period too, RUNNING after it.
func sandboxStatus(in statusInput) (backend.Status, string) {
	st := stateStatus(in.State)
	switch in.State {
	case "exited":
		if !in.ExitKnown {
			return st, "exited"
		}
		if in.OOMKilled {
			return st, fmt.Sprintf("exited (code %d, out of memory)", in.ExitCode)
		}
		return st, fmt.Sprintf("exited (code %d)", in.ExitCode)
	case "running":
	case "created", "paused", "restarting", "removing", "dead":
		return st, in.State
	default:
		return st, fmt.Sprintf("unknown Docker state %q", in.State)
	}
	inGrace := !in.StartedAt.IsZero() && in.Now.Sub(in.StartedAt) < in.Grace
	switch in.Health.State {
	case backend.HealthFailing:
		if inGrace {
			return backend.StatusStarting, "agent-server not answering yet (start-up grace)"
		}
		detail := "health check failing"
		if in.Health.Detail != "" {
			detail += ": " + in.Health.Detail
		}
		return backend.StatusError, detail
	case backend.HealthUnknown:
		if inGrace {
			return backend.StatusStarting, "waiting for the first health check"
		}
	}
	return st, ""
}

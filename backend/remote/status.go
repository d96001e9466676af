package remote

import (
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// mapStatus turns the runtime API's words into a SandboxStatus the way the
// Nov-2025 app-server does (PROTOCOL §5.3): pod_status first, because
// status says "running" while the pod is still starting; then status; a
// runtime that says neither is MISSING.
func mapStatus(status, podStatus string) backend.Status {
	switch strings.ToLower(strings.TrimSpace(podStatus)) {
	case "ready":
		return backend.StatusRunning
	case "pending", "running":
		return backend.StatusStarting
	case "failed", "unknown", "crashloopbackoff":
		return backend.StatusError
	}
	// "not found", empty or unheard-of pod_status: fall through.
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "running":
		return backend.StatusRunning
	case "paused":
		return backend.StatusPaused
	case "stopped":
		return backend.StatusMissing
	case "starting":
		return backend.StatusStarting
	case "error":
		return backend.StatusError
	}
	return backend.StatusMissing
}

// rawState keeps the API's own words for the details view: "running/ready".
func rawState(status, podStatus string) string {
	switch {
	case status == "":
		return podStatus
	case podStatus == "":
		return status
	}
	return status + "/" + podStatus
}

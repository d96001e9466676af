package docker

import (
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

var _ backend.Explainer = (*Backend)(nil)

// Explain says what a lifecycle action does to a Docker sandbox and what
// is lost, for the confirmation dialog.
func (b *Backend) Explain(a backend.Action, sb backend.Sandbox) string {
	switch a {
	case backend.ActionStart:
		return fmt.Sprintf("Creates and starts a new container from %s, publishing its ports on %s.",
			b.opts.Spec.Image, b.opts.BindAddress)
	case backend.ActionPause:
		return "Freezes every process in the container (docker pause). Nothing is lost; " +
			"the agent-server stops answering until the sandbox is resumed."
	case backend.ActionResume:
		if sb.RawState == "exited" || sb.RawState == "created" {
			return "Starts the stopped container again. Its processes start from scratch: " +
				"what only lived in memory is gone, files in the container are kept."
		}
		return "Unfreezes the container's processes (docker unpause); they continue where they stopped."
	case backend.ActionDelete:
		return fmt.Sprintf("Stops the container (up to %s to exit), removes it and its volume %s%s. "+
			"Files not on a mounted host directory are lost for good.",
			b.opts.StopTimeout, workspaceVolumePrefix, sb.ID)
	}
	return ""
}

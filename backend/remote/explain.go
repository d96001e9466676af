package remote

import (
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

var _ backend.Explainer = (*Backend)(nil)

// Explain says, for a confirmation dialog, what an action does to a
// sandbox behind this runtime API and what is at stake.
func (b *Backend) Explain(a backend.Action, sb backend.Sandbox) string {
	switch a {
	case backend.ActionStart:
		return fmt.Sprintf("Asks the runtime API at %s for a new runtime running %s (resource factor %d). "+
			"ohdash records it first, so it stays listed even if the answer is lost. The pod may take a minute to become ready.",
			b.apiHost, b.opts.Image, b.opts.ResourceFactor)
	case backend.ActionPause:
		return fmt.Sprintf("Pauses runtime %s at %s: its pod is taken down and its agent-server and conversations "+
			"stop answering until it is resumed. The runtime API may hand out a new session key on resume.", runtimeOf(sb), b.apiHost)
	case backend.ActionResume:
		return fmt.Sprintf("Resumes runtime %s at %s: the pod is scheduled again, which can take a minute; "+
			"conversations are reachable once the agent-server answers.", runtimeOf(sb), b.apiHost)
	case backend.ActionDelete:
		return fmt.Sprintf("Stops runtime %s at %s and forgets it in ohdash's records. The runtime API drops stopped runtimes: "+
			"conversations and files in its workspace are lost. This cannot be undone.", runtimeOf(sb), b.apiHost)
	}
	return ""
}

func runtimeOf(sb backend.Sandbox) string {
	for _, f := range sb.Details {
		if f.Name == "Runtime ID" {
			return f.Value + " (sandbox " + sb.ID + ")"
		}
	}
	return "of sandbox " + sb.ID
}

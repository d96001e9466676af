package convtab

import (
	"testing"

	"github.com/ohdash/ohdash/backend"
)

// The dashboard refuses what the command line refuses, in the same words:
// both ask backend.CheckConversation.
func TestDashboardRefusesWhatTheCLIRefuses(t *testing.T) {
	sb := backend.Sandbox{ID: "oh-agent-server-x", Source: "docker", Status: backend.StatusRunning, Flavor: backend.FlavorAgentServer}
	verbs := map[convAction]backend.ConversationVerb{
		convPause: backend.ConvPause, convRun: backend.ConvRun, convInterrupt: backend.ConvInterrupt,
		convAccept: backend.ConvAccept, convReject: backend.ConvReject,
	}
	statuses := []backend.ExecutionStatus{backend.ExecIdle, backend.ExecRunning, backend.ExecPaused,
		backend.ExecWaitingForConfirmation, backend.ExecFinished, backend.ExecError, backend.ExecStuck, ""}
	for a, verb := range verbs {
		for _, st := range statuses {
			c := backend.Conversation{ID: "0c9a4f3e-2b1d-4e8f-9a7c-6b5d4e3f2a10", Title: "Fix it", Status: st}
			want := ""
			if err := backend.CheckConversation(verb, convLabel(c), st); err != nil {
				want = err.Error()
			}
			if got := convRefusal(a, c, sb); got != want {
				t.Errorf("%s on %q: dashboard says %q, the shared rule %q", a, st, got, want)
			}
		}
	}
	c := backend.Conversation{ID: "0c9a4f3e-2b1d-4e8f-9a7c-6b5d4e3f2a10", Title: "Fix it", Status: backend.ExecFinished}
	if got, want := convRefusal(convPause, c, sb), "“Fix it” (0c9a4f3e) is finished: only a running agent can be paused"; got != want {
		t.Errorf("pause on a finished conversation: %q, want %q", got, want)
	}
}

package backend

import (
	"errors"
	"testing"
)

// The one rule both the dashboard and the command line ask: which
// conversation actions make sense in which execution status, refused as a
// conflict with the current state in words a person reads.
func TestCheckConversation(t *testing.T) {
	cases := []struct {
		verb   ConversationVerb
		status ExecutionStatus
		want   string // "" allowed
	}{
		{ConvPause, ExecRunning, ""},
		{ConvPause, ExecWaitingForConfirmation, ""},
		{ConvPause, ExecPaused, "c1 is already paused"},
		{ConvPause, ExecFinished, "c1 is finished: only a running agent can be paused"},
		{ConvPause, "", "c1 is in an unknown state: only a running agent can be paused"},
		{ConvRun, ExecFinished, ""},
		{ConvRun, ExecPaused, ""},
		{ConvRun, ExecRunning, "c1 is already running"},
		{ConvInterrupt, ExecRunning, ""},
		{ConvInterrupt, ExecFinished, "c1 is finished: there is nothing to interrupt"},
		{ConvAccept, ExecWaitingForConfirmation, ""},
		{ConvAccept, ExecFinished, "c1 is finished: there is no pending action to accept"},
		{ConvReject, ExecWaitingForConfirmation, ""},
		{ConvReject, ExecRunning, "c1 is running: there is no pending action to reject"},
		{ConvAccept, ExecWaitingForConfirmation, ""},
	}
	for _, c := range cases {
		err := CheckConversation(c.verb, "c1", c.status)
		if c.want == "" {
			if err != nil {
				t.Errorf("%s on %q refused: %v", c.verb, c.status, err)
			}
			continue
		}
		var r *ConversationRefusal
		if err == nil || err.Error() != c.want || !errors.Is(err, ErrConflict) || !errors.As(err, &r) || r.Verb != c.verb {
			t.Errorf("%s on %q: got %v, want %q as a conflict", c.verb, c.status, err, c.want)
		}
	}
}

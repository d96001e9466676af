package backend

import (
	"errors"
	"testing"
)

func TestParseConversationID(t *testing.T) {
	const want = "0b0e7f9e-2b5f-4c43-9a8e-6f1d3a2b1c00"
	for _, in := range []string{want, "0b0e7f9e2b5f4c439a8e6f1d3a2b1c00", "0B0E7F9E-2B5F-4C43-9A8E-6F1D3A2B1C00", " 0b0e7f9e2b5f4c439a8e6f1d3a2b1c00\n"} {
		got, err := ParseConversationID(in)
		if err != nil || got != want {
			t.Errorf("%q → %q %v", in, got, err)
		}
	}
	for _, in := range []string{"", "0b0e7f9e-2b5f-4c43-9a8e-6f1d3a2b1c0", "0b0e7f9e_2b5f_4c43_9a8e_6f1d3a2b1c00", "zb0e7f9e2b5f4c439a8e6f1d3a2b1c00", "../../etc/passwd"} {
		if _, err := ParseConversationID(in); !errors.Is(err, ErrInvalidID) {
			t.Errorf("%q accepted: %v", in, err)
		}
	}
	if ConversationIDHex(want) != "0b0e7f9e2b5f4c439a8e6f1d3a2b1c00" {
		t.Error("hex form")
	}
}

func TestExecutionStatusAttention(t *testing.T) {
	for s, want := range map[ExecutionStatus]bool{ExecWaitingForConfirmation: true, ExecError: true, ExecStuck: true,
		ExecRunning: false, ExecIdle: false, ExecPaused: false, ExecFinished: false, ExecDeleting: false} {
		if s.NeedsAttention() != want {
			t.Errorf("%s: NeedsAttention = %v", s, !want)
		}
	}
	if !ExecFinished.Terminal() || ExecPaused.Terminal() {
		t.Error("Terminal")
	}
}

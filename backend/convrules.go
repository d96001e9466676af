package backend

import (
	"fmt"
	"strings"
)

// ConversationVerb names a conversation action whose sense depends on the
// conversation's execution status. The dashboard and the command line ask
// the same rule (CheckConversation), so they refuse the same things in the
// same words.
type ConversationVerb string

// The conversation actions the rule knows. Deleting and sending a message
// make sense in every status, so they have no rule.
const (
	ConvPause     ConversationVerb = "pause"
	ConvRun       ConversationVerb = "run"
	ConvInterrupt ConversationVerb = "interrupt"
	// ConvAccept and ConvReject answer a pending action (the command
	// line's "approve" is ConvAccept).
	ConvAccept ConversationVerb = "accept"
	ConvReject ConversationVerb = "reject"
)

// ConversationRefusal is an action refused because it does not fit the
// conversation's execution status. It is an ErrConflict (a conflict with
// the current state) whose text is a sentence for a person.
type ConversationRefusal struct {
	// Name is how the conversation is named in the sentence.
	Name   string
	Verb   ConversationVerb
	Status ExecutionStatus
	// Reason is the sentence after the name: "is finished: only a running
	// agent can be paused".
	Reason string
}

// Error is the sentence: the conversation's name, then why.
func (r *ConversationRefusal) Error() string { return r.Name + " " + r.Reason }

// Unwrap makes the refusal an ErrConflict.
func (r *ConversationRefusal) Unwrap() error { return ErrConflict }

// CheckConversation returns nil when verb makes sense on a conversation in
// status s, and otherwise a *ConversationRefusal naming it name. An
// unknown verb is allowed: the rule only refuses what it knows is futile.
func CheckConversation(verb ConversationVerb, name string, s ExecutionStatus) error {
	var why string
	switch verb {
	case ConvAccept, ConvReject:
		if s != ExecWaitingForConfirmation {
			why = fmt.Sprintf("is %s: there is no pending action to %s", s.Words(), verb)
		}
	case ConvPause:
		switch {
		case s == ExecPaused:
			why = "is already paused"
		case s != ExecRunning && s != ExecWaitingForConfirmation:
			why = fmt.Sprintf("is %s: only a running agent can be paused", s.Words())
		}
	case ConvRun:
		if s == ExecRunning {
			why = "is already running"
		}
	case ConvInterrupt:
		if s != ExecRunning {
			why = fmt.Sprintf("is %s: there is nothing to interrupt", s.Words())
		}
	}
	if why == "" {
		return nil
	}
	return &ConversationRefusal{Name: name, Verb: verb, Status: s, Reason: why}
}

// Words is the status for a sentence ("waiting for confirmation"), not
// the agent-server's raw value; an empty status is "in an unknown state".
func (s ExecutionStatus) Words() string {
	if s == "" {
		return "in an unknown state"
	}
	return strings.ReplaceAll(string(s), "_", " ")
}

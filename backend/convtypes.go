package backend

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// ExecutionStatus is an OpenHands conversation's execution status, in the
// agent-server's own words (they appear in JSON output).
type ExecutionStatus string

// The ConversationExecutionStatus values.
const (
	ExecIdle                   ExecutionStatus = "idle"
	ExecRunning                ExecutionStatus = "running"
	ExecPaused                 ExecutionStatus = "paused"
	ExecWaitingForConfirmation ExecutionStatus = "waiting_for_confirmation"
	ExecFinished               ExecutionStatus = "finished"
	ExecError                  ExecutionStatus = "error"
	ExecStuck                  ExecutionStatus = "stuck"
	ExecDeleting               ExecutionStatus = "deleting"
)

// NeedsAttention reports whether a person has to act: approve or reject a
// pending action, or look at a failed or stuck agent.
func (s ExecutionStatus) NeedsAttention() bool {
	return s == ExecWaitingForConfirmation || s == ExecError || s == ExecStuck
}

// Terminal reports whether the agent stopped for good (until a new message).
func (s ExecutionStatus) Terminal() bool {
	return s == ExecFinished || s == ExecError || s == ExecStuck
}

// TokenUsage counts LLM tokens, summed over every LLM a conversation used.
type TokenUsage struct {
	Prompt, Completion, CacheRead, CacheWrite, Reasoning int64
}

// Total is prompt plus completion tokens.
func (t TokenUsage) Total() int64 { return t.Prompt + t.Completion }

// Conversation is one agent conversation as the list and details views show
// it. Values are snapshots; a refresh builds new ones.
type Conversation struct {
	// ID is canonical: a lower-case dashed UUID (see ParseConversationID),
	// or the server's own string for a V0 id that is not a UUID.
	ID        string
	SandboxID string
	// Source is the backend of the sandbox ("docker", "remote:eval").
	Source string
	Flavor Flavor
	Title  string
	Status ExecutionStatus
	// RawStatus is the server's own word when it is not an ExecutionStatus
	// (V0 "STOPPED", "ARCHIVED"), for the details view.
	RawStatus string
	Model     string
	// Cost is the accumulated LLM cost in USD; 0 when the proxy does not
	// price the model.
	Cost      float64
	Tokens    TokenUsage
	CreatedAt time.Time
	UpdatedAt time.Time
	// AgentKind is "Agent", "ACPAgent", or "" when unknown.
	AgentKind          string
	WorkingDir         string
	MaxIterations      int
	ConfirmationPolicy string
	ParentID           string
	SubConversationIDs []string
	Tags               map[string]string
	// Details are further facts for the details pane, in display order.
	Details []Field
}

// Key identifies a conversation across sandboxes and sources.
func (c Conversation) Key() string { return c.SandboxKey() + "/" + c.ID }

// SandboxKey is the Key of the sandbox the conversation lives in.
func (c Conversation) SandboxKey() string {
	return Sandbox{Source: c.Source, ID: c.SandboxID}.Key()
}

// Event is one conversation event, reduced to what a transcript line needs.
// Every string is safe for the terminal: Summary is sanitised, the others
// come from the server's own vocabulary or are sanitised too.
type Event struct {
	ID string
	// Timestamp is the server's string exactly as received (naive,
	// server-local). Send it back unchanged as a bound; never reformat it.
	Timestamp string
	// Time is Timestamp parsed as UTC wall-clock time (zero if it did not
	// parse); good for display and ages, not for bounds.
	Time   time.Time
	Kind   string
	Source string
	// Summary is one sanitised line: "user> …", "→ terminal: $ make", …
	Summary string
	// Raw is the event's JSON as received, kept only when asked for
	// (StreamOptions.Raw, PageQuery.Raw, EventPager.Event) and only up to a
	// per-event cap; RawSize is the full size, so Raw is complete when
	// len(Raw) == RawSize.
	Raw     json.RawMessage
	RawSize int
	// Transient events are never stored by the server (a ServerErrorEvent);
	// they have no place in history and are not de-duplicated.
	Transient bool
	// Quiet events are normally hidden from a transcript (state changes,
	// the system prompt, token logs); a filter toggle can show them.
	Quiet bool
	// Failed marks errors: failed commands, agent and conversation errors.
	Failed bool
}

// StreamOptions choose what an event stream delivers first.
type StreamOptions struct {
	// Tail limits the history delivered before live events to the newest
	// Tail stored events; older ones come from EventPager. 0 delivers the
	// whole history.
	Tail int
	// Raw keeps each event's JSON in Event.Raw (capped per event).
	Raw bool
}

// EventUpdate is one delivery of an event stream. Events are incremental;
// every other field is the stream's current state.
type EventUpdate struct {
	// Events are new stored events, in log order, never seen before on
	// this stream.
	Events []Event
	Conn   ConnState
	// BackFilled counts the events among Events that were recovered after
	// a reconnect (missed while disconnected), for an "N back-filled" mark.
	BackFilled int
	// Typing is the agent's reply as it streams in token by token; it is
	// cleared when the final event arrives. Sanitised, possibly cut short.
	Typing string
	// Status is the latest execution status, "" until known.
	Status ExecutionStatus
	// Cost and Tokens are the latest usage totals, valid when HaveStats.
	Cost      float64
	Tokens    TokenUsage
	HaveStats bool
	// Skipped counts frames and items that could not be decoded so far.
	Skipped int
}

// PageQuery asks for a page of older history.
type PageQuery struct {
	// Before is the oldest event the caller holds; the zero Event asks for
	// the newest page.
	Before Event
	// Limit is the page size (default and maximum 100).
	Limit int
	// Raw keeps each event's JSON (capped per event).
	Raw bool
}

// EventPage is a page of events in log order (oldest first).
type EventPage struct {
	Events []Event
	// More reports that older events remain before Events[0].
	More bool
}

// InterruptOutcome says what an interrupt did.
type InterruptOutcome int

// Interrupt outcomes.
const (
	// Interrupted: the in-flight LLM call was cancelled at once.
	Interrupted InterruptOutcome = iota
	// PausedInstead: the server has no interrupt (agent-server < 1.23), so
	// the conversation was paused; it stops after the current step.
	PausedInstead
)

// ConversationLister lists and reads the conversations of one sandbox.
type ConversationLister interface {
	// Conversations returns every conversation of the sandbox, across pages.
	Conversations(ctx context.Context, sb Sandbox) ([]Conversation, error)
	Conversation(ctx context.Context, sb Sandbox, id string) (Conversation, error)
}

// SandboxConversations is one sandbox's share of a fleet-wide listing.
type SandboxConversations struct {
	Sandbox       Sandbox
	Conversations []Conversation
	// Err says why this sandbox could not be listed; others are unaffected.
	Err error
}

// FleetConversationLister lists conversations across many sandboxes.
type FleetConversationLister interface {
	// AllConversations lists every sandbox concurrently (bounded) and
	// returns one entry per sandbox, in the order given.
	AllConversations(ctx context.Context, sbs []Sandbox) []SandboxConversations
}

// ConversationController acts on one conversation.
type ConversationController interface {
	Pause(ctx context.Context, sb Sandbox, id string) error
	// Run starts or resumes the agent; ErrConflict if it is already running.
	Run(ctx context.Context, sb Sandbox, id string) error
	Interrupt(ctx context.Context, sb Sandbox, id string) (InterruptOutcome, error)
	Delete(ctx context.Context, sb Sandbox, id string) error
	// SendMessage posts a user message and starts the agent.
	SendMessage(ctx context.Context, sb Sandbox, id, text string) error
	// RespondToConfirmation accepts or rejects the pending actions of a
	// conversation that is waiting for confirmation.
	RespondToConfirmation(ctx context.Context, sb Sandbox, id string, accept bool, reason string) error
}

// ConversationStopper stops a V0 conversation's agent loop (waiting until it
// reports STOPPED). It does not touch the container: to free it, the caller
// pauses the sandbox afterwards. Agent-server sandboxes have no stop
// (ErrUnsupported): pause, interrupt or delete instead.
type ConversationStopper interface {
	StopConversation(ctx context.Context, sb Sandbox, id string) error
}

// EventStreamer follows a conversation's events live.
type EventStreamer interface {
	// StreamEvents delivers updates until ctx is done or the stream is
	// closed for good (the last update then says why), then closes the
	// channel. Cancelling ctx releases everything the stream holds.
	StreamEvents(ctx context.Context, sb Sandbox, id string, opts StreamOptions) <-chan EventUpdate
}

// HistoryQuery asks for a conversation's stored history.
type HistoryQuery struct {
	// Tail keeps only the newest Tail events (0: all of them).
	Tail int
	// Raw keeps each event's JSON (capped per event).
	Raw bool
}

// EventHistory reads a conversation's stored history from the start, for
// a command that prints it.
type EventHistory interface {
	// History calls fn with the stored events in log order, a page at a
	// time as they arrive, so a caller that prints them holds no more
	// than a page (or Tail events) however long the conversation is. It
	// stops at fn's first error and returns it.
	History(ctx context.Context, sb Sandbox, id string, q HistoryQuery, fn func([]Event) error) error
}

// EventPager reads history on demand.
type EventPager interface {
	// EventsBefore returns the page of events just older than q.Before.
	EventsBefore(ctx context.Context, sb Sandbox, id string, q PageQuery) (EventPage, error)
	// Event fetches one event in full, with Raw.
	Event(ctx context.Context, sb Sandbox, convID, eventID string) (Event, error)
}

// ParseConversationID accepts a UUID in dashed or 32-hex form, any case,
// and returns the canonical form: lower-case and dashed (8-4-4-4-12), as
// the agent-server's ConversationInfo.id has it.
func ParseConversationID(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	var hex string
	switch len(s) {
	case 32:
		hex = s
	case 36:
		if s[8] != '-' || s[13] != '-' || s[18] != '-' || s[23] != '-' {
			return "", fmt.Errorf("conversation id %q: %w", s, ErrInvalidID)
		}
		hex = s[:8] + s[9:13] + s[14:18] + s[19:23] + s[24:]
	default:
		return "", fmt.Errorf("conversation id %q: want a UUID: %w", s, ErrInvalidID)
	}
	for i := 0; i < len(hex); i++ {
		if c := hex[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return "", fmt.Errorf("conversation id %q: %w", s, ErrInvalidID)
		}
	}
	return hex[:8] + "-" + hex[8:12] + "-" + hex[12:16] + "-" + hex[16:20] + "-" + hex[20:], nil
}

// ConversationIDHex returns the 32-hex form (no dashes) of a conversation
// id, as OpenHands uses it in page ids, directory names and V0 containers.
func ConversationIDHex(id string) string { return strings.ReplaceAll(id, "-", "") }

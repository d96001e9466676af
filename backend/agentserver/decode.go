package agentserver

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// Caps on Event.Raw: in pages and streams, when raw JSON is asked for
// (larger events keep their summary and RawSize and can be fetched whole),
// and for a single event fetched for a details view.
const (
	maxRaw       = 1 << 20
	maxSingleRaw = 32 << 20
)

// wireEvent holds every field a summary or the stream's state needs, for
// all kinds at once (the decoder skips the rest). Fields whose type varies
// between kinds are RawMessage.
type wireEvent struct {
	ID        string `json:"id"`
	Timestamp string `json:"timestamp"`
	Source    string `json:"source"`
	Kind      string `json:"kind"`

	LLMMessage *struct {
		Role    string          `json:"role"`
		Content json.RawMessage `json:"content"`
	} `json:"llm_message"`

	ToolName     string           `json:"tool_name"`
	Summary      string           `json:"summary"`
	SecurityRisk string           `json:"security_risk"`
	Action       *wireAction      `json:"action"`
	Observation  *wireObservation `json:"observation"`

	RejectionReason string          `json:"rejection_reason"`
	Error           string          `json:"error"`
	Code            string          `json:"code"`
	Detail          json.RawMessage `json:"detail"`

	Key   string          `json:"key"`
	Value json.RawMessage `json:"value"`

	ForgottenEventIDs jsonCount `json:"forgotten_event_ids"`
	Tools             jsonCount `json:"tools"`

	HookEventType string `json:"hook_event_type"`
	Success       *bool  `json:"success"`
	Blocked       bool   `json:"blocked"`
	Reason        string `json:"reason"`

	Title   string          `json:"title"`
	Status  string          `json:"status"`
	IsError bool            `json:"is_error"`
	Content json.RawMessage `json:"content"`

	ModelName        string    `json:"model_name"`
	PromptTokenIDs   jsonCount `json:"prompt_token_ids"`
	ResponseTokenIDs jsonCount `json:"response_token_ids"`
}

type wireAction struct {
	Kind    string `json:"kind"`
	Command string `json:"command"`
	Path    string `json:"path"`
	Message string `json:"message"`
	Thought string `json:"thought"`
	URL     string `json:"url"`
	Code    string `json:"code"`
}

type wireObservation struct {
	Kind     string          `json:"kind"`
	Content  json.RawMessage `json:"content"`
	IsError  bool            `json:"is_error"`
	ExitCode *int            `json:"exit_code"`
	Timeout  bool            `json:"timeout"`
	Metadata *struct {
		ExitCode *int `json:"exit_code"`
	} `json:"metadata"`
}

// decoded is an event plus what the stream takes from it besides a line.
type decoded struct {
	ev backend.Event
	// key is a ConversationStateUpdateEvent's key ("" for other kinds).
	key string
	// status is set by execution_status and full_state updates.
	status backend.ExecutionStatus
	// stats is set by stats and full_state updates.
	stats *usageTotals
	// delta is a StreamingDeltaEvent's text.
	delta string
}

type usageTotals struct {
	cost   float64
	tokens backend.TokenUsage
}

// errMalformed marks input that is not an event at all.
var errMalformed = errors.New("malformed event")

// decodeEvent turns one event's JSON into a transcript entry, keeping the
// JSON itself when it is at most rawCap bytes (0: never). It never
// fails on an unknown kind or an unexpected field type (the event is kept
// and summarised generically); it fails only on bad JSON or a missing or
// unusable id or timestamp, which would break de-duplication.
func decodeEvent(raw []byte, rawCap int) (decoded, error) {
	var w wireEvent
	if err := json.Unmarshal(raw, &w); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return decoded{}, fmt.Errorf("%w: %s", errMalformed, sanitizeLine(err.Error(), 120))
		}
		// A field of a type we did not expect: keep what decoded.
	}
	if !clientkit.ValidToken(w.ID) || !clientkit.ValidToken(w.Timestamp) {
		return decoded{}, fmt.Errorf("%w: no usable id or timestamp", errMalformed)
	}
	d := decoded{ev: backend.Event{
		ID:        w.ID,
		Timestamp: w.Timestamp,
		Time:      parseTime(w.Timestamp),
		Kind:      clientkit.Intern(w.Kind),
		Source:    clientkit.Intern(w.Source),
		RawSize:   len(raw),
	}}
	if d.ev.Kind == "" {
		d.ev.Kind = "Event"
	}
	if len(raw) <= rawCap {
		d.ev.Raw = append(json.RawMessage(nil), raw...)
	}
	summarize(&w, &d)
	return d, nil
}

// jsonCount decodes a JSON list as its length (anything else counts 0).
type jsonCount int

// UnmarshalJSON counts the list's items.
func (c *jsonCount) UnmarshalJSON(b []byte) error {
	var items []json.RawMessage
	if json.Unmarshal(b, &items) == nil {
		*c = jsonCount(len(items))
	}
	return nil
}

package agentserver

import (
	"strings"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Event sources (SDKP/event/types.py).
const (
	SourceAgent       = "agent"
	SourceUser        = "user"
	SourceEnvironment = "environment"
	SourceHook        = "hook"
)

// Event is one agent-server event. Fields holds the kind-specific fields
// in the Python model's order, with nulls kept; the envelope (id,
// timestamp, source, parent_id) and the trailing kind are added when it
// is encoded.
type Event struct {
	ID        string
	Timestamp string
	Source    string
	Kind      string
	ParentID  string
	Fields    wire.Obj

	text    string // lower-cased searchable text (MessageEvent only)
	compact []byte // exclude_none encoding, built once when stored
}

func (e *Event) obj() wire.Obj {
	o := make(wire.Obj, 0, len(e.Fields)+5)
	o = append(o, wire.KV{K: "id", V: e.ID}, wire.KV{K: "timestamp", V: e.Timestamp}, wire.KV{K: "source", V: e.Source})
	if e.ParentID != "" {
		o = append(o, wire.KV{K: "parent_id", V: e.ParentID})
	}
	o = append(o, e.Fields...)
	return append(o, wire.KV{K: "kind", V: e.Kind})
}

// seal caches the compact encoding; the event must not change afterwards,
// so readers on other goroutines can share it without locks.
func (e *Event) seal() *Event {
	e.compact = wire.MarshalCompact(e.obj())
	return e
}

// Compact is the event as REST search results and websocket frames carry
// it: null fields omitted.
func (e *Event) Compact() []byte {
	if e.compact == nil {
		return wire.MarshalCompact(e.obj())
	}
	return e.compact
}

// Full is the event with nulls kept, as GET …/events/{id} returns it.
func (e *Event) Full() []byte { return wire.Marshal(e.obj()) }

// kindModules maps a kind to the Python module that defines its class.
// The agent-server's kind filter compares against "<module>.<class>".
var kindModules = map[string]string{
	"MessageEvent":                 "openhands.sdk.event.llm_convertible.message",
	"ActionEvent":                  "openhands.sdk.event.llm_convertible.action",
	"ObservationEvent":             "openhands.sdk.event.llm_convertible.observation",
	"UserRejectObservation":        "openhands.sdk.event.llm_convertible.observation",
	"AgentErrorEvent":              "openhands.sdk.event.llm_convertible.observation",
	"SystemPromptEvent":            "openhands.sdk.event.llm_convertible.system",
	"ConversationStateUpdateEvent": "openhands.sdk.event.conversation_state",
	"PauseEvent":                   "openhands.sdk.event.user_action",
	"InterruptEvent":               "openhands.sdk.event.user_action",
	"ConversationErrorEvent":       "openhands.sdk.event.conversation_error",
	"Condensation":                 "openhands.sdk.event.condenser",
	"CondensationRequest":          "openhands.sdk.event.condenser",
	"CondensationSummaryEvent":     "openhands.sdk.event.condenser",
	"StreamingDeltaEvent":          "openhands.sdk.event.streaming_delta",
	"ServerErrorEvent":             "openhands.agent_server.models",
}

// QualifiedKind returns the fully-qualified Python class path that the
// agent-server's kind filter expects for a wire kind, e.g.
// "openhands.sdk.event.llm_convertible.message.MessageEvent".
func QualifiedKind(kind string) string {
	if m, ok := kindModules[kind]; ok {
		return m + "." + kind
	}
	return kind
}

// textContent is a TextContent item as the SDK dumps it.
func textContent(text string) wire.Obj {
	return wire.Obj{{K: "cache_prompt", V: false}, {K: "type", V: "text"}, {K: "text", V: text}}
}

// messageText joins the text items of a Message content list.
func messageText(content []any) string {
	var parts []string
	for _, c := range content {
		if o, ok := c.(wire.Obj); ok {
			if t, ok := o.Get("text").(string); ok {
				parts = append(parts, t)
			}
		}
	}
	return strings.Join(parts, " ")
}

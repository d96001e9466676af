package nestedv0

import (
	"encoding/json"
	"fmt"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// V0 events are dicts written by openhands/events/serialization/event.py
// event_to_dict: an integer id, timestamp, source, message, an optional
// cause, and either action + args or observation + content + extras.

// Agent states a V0 AgentStateChangedObservation reports.
const (
	AgentLoading           = "loading"
	AgentRunning           = "running"
	AgentAwaitingUserInput = "awaiting_user_input"
	AgentStopped           = "stopped"
)

// securityUnknown is ActionSecurityRisk.UNKNOWN.
const securityUnknown = -1

type v0event struct {
	id   int
	body []byte // encoded dict, nulls dropped as event_to_dict does
}

// builder assembles one event dict; id and timestamp are stamped by the
// log when the event is appended.
type builder struct {
	source  string
	message string
	cause   any // event id or nil
	tail    wire.Obj
}

func (b builder) encode(id int, ts string) []byte {
	o := wire.Obj{{K: "id", V: id}, {K: "timestamp", V: ts}, {K: "source", V: b.source}, {K: "message", V: b.message}}
	if b.cause != nil {
		o = append(o, wire.KV{K: "cause", V: b.cause})
	}
	return wire.Marshal(append(o, b.tail...))
}

func userMessage(text string) builder {
	return builder{source: "user", message: text, tail: wire.Obj{
		{K: "action", V: "message"},
		{K: "args", V: wire.Obj{
			{K: "content", V: text},
			{K: "file_urls", V: []any{}},
			{K: "image_urls", V: []any{}},
			{K: "wait_for_response", V: false},
			{K: "security_risk", V: securityUnknown},
		}},
	}}
}

func agentMessage(text string) builder {
	return builder{source: "agent", message: text, tail: wire.Obj{
		{K: "action", V: "message"},
		{K: "args", V: wire.Obj{
			{K: "content", V: text},
			{K: "file_urls", V: nil},
			{K: "image_urls", V: nil},
			{K: "wait_for_response", V: true},
			{K: "security_risk", V: securityUnknown},
		}},
	}}
}

func runAction(cmd, thought string) builder {
	return builder{source: "agent", message: "Running command: " + cmd, tail: wire.Obj{
		{K: "action", V: "run"},
		{K: "args", V: wire.Obj{
			{K: "command", V: cmd},
			{K: "is_input", V: false},
			{K: "thought", V: thought},
			{K: "blocking", V: false},
			{K: "is_static", V: false},
			{K: "cwd", V: nil},
			{K: "hidden", V: false},
			{K: "confirmation_state", V: "confirmed"},
			{K: "security_risk", V: securityUnknown},
		}},
		{K: "timeout", V: 120},
	}}
}

func runObservation(cause int, cmd, out string, exit int) builder {
	return builder{
		source:  "agent",
		message: fmt.Sprintf("Command `%s` executed with exit code %d.", cmd, exit),
		cause:   cause,
		tail: wire.Obj{
			{K: "observation", V: "run"},
			{K: "content", V: out},
			{K: "extras", V: wire.Obj{
				{K: "command", V: cmd},
				{K: "metadata", V: wire.Obj{
					{K: "exit_code", V: exit},
					{K: "pid", V: -1},
					{K: "username", V: "openhands"},
					{K: "hostname", V: "runtime"},
					{K: "working_dir", V: "/workspace"},
					{K: "py_interpreter_path", V: "/openhands/poetry/openhands-ai-5O4_aCHf-py3.12/bin/python"},
					{K: "prefix", V: ""},
					{K: "suffix", V: "\n[The command completed with exit code 0.]"},
				}},
				{K: "hidden", V: false},
			}},
			{K: "success", V: exit == 0},
		},
	}
}

func stateChanged(state string) builder {
	return builder{source: "environment", message: "", tail: wire.Obj{
		{K: "observation", V: "agent_state_changed"},
		{K: "content", V: ""},
		{K: "extras", V: wire.Obj{{K: "agent_state", V: state}, {K: "reason", V: ""}}},
	}}
}

// rawEvent re-stamps a client-posted event dict (POST …/events): the
// server assigns id and timestamp and keeps the rest.
func rawEvent(dict map[string]any, id int, ts string) []byte {
	dict["id"] = id
	dict["timestamp"] = ts
	if _, ok := dict["source"]; !ok {
		dict["source"] = "user"
	}
	b, _ := json.Marshal(dict)
	return b
}

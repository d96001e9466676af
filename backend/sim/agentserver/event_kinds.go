package agentserver

import (
	"encoding/json"
	"strings"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Constructors for the kinds the scripted agent emits, shaped like the
// captured examples in PROTOCOL.md §3.3. Id, timestamp and parent are set
// when the conversation stores or publishes the event.

func newMessageEvent(source, role string, content []any, responseID any) *Event {
	return &Event{
		Source: source,
		Kind:   "MessageEvent",
		Fields: wire.Obj{
			{K: "llm_message", V: llmMessage(role, content)},
			{K: "llm_response_id", V: responseID},
			{K: "activated_skills", V: []any{}},
			{K: "extended_content", V: []any{}},
			{K: "sender", V: nil},
			{K: "critic_result", V: nil},
		},
		text: strings.ToLower(messageText(content)),
	}
}

func newAgentMessage(text, responseID string) *Event {
	return newMessageEvent(SourceAgent, "assistant", []any{textContent(text)}, responseID)
}

// terminalCall describes one scripted terminal tool call.
type terminalCall struct {
	Command    string
	Summary    string
	Risk       string // LOW, MEDIUM, HIGH (what the LLM claimed)
	Thought    string
	ToolCallID string
	ResponseID string
}

func newActionEvent(c terminalCall) *Event {
	args, _ := json.Marshal(map[string]string{"security_risk": c.Risk, "summary": c.Summary, "command": c.Command})
	return &Event{
		Source: SourceAgent,
		Kind:   "ActionEvent",
		Fields: wire.Obj{
			{K: "thought", V: []any{textContent(c.Thought)}},
			{K: "reasoning_content", V: nil},
			{K: "thinking_blocks", V: []any{}},
			{K: "responses_reasoning_item", V: nil},
			{K: "action", V: wire.Obj{
				{K: "command", V: c.Command},
				{K: "is_input", V: false},
				{K: "timeout", V: nil},
				{K: "reset", V: false},
				{K: "kind", V: "TerminalAction"},
			}},
			{K: "tool_name", V: "terminal"},
			{K: "tool_call_id", V: c.ToolCallID},
			{K: "tool_call", V: wire.Obj{
				{K: "id", V: c.ToolCallID},
				{K: "responses_item_id", V: nil},
				{K: "name", V: "terminal"},
				{K: "arguments", V: string(args)},
				{K: "origin", V: "completion"},
			}},
			{K: "llm_response_id", V: c.ResponseID},
			{K: "security_risk", V: c.Risk},
			{K: "critic_result", V: nil},
			{K: "summary", V: c.Summary},
		},
	}
}

// newObservationEvent answers action with the command's output. output
// is a string or a wire.Verbatim (hostile content).
func newObservationEvent(action *Event, c terminalCall, output any, exitCode int, convHex string) *Event {
	return &Event{
		Source: SourceEnvironment,
		Kind:   "ObservationEvent",
		Fields: wire.Obj{
			{K: "tool_name", V: "terminal"},
			{K: "tool_call_id", V: c.ToolCallID},
			{K: "observation", V: wire.Obj{
				{K: "content", V: []any{wire.Obj{{K: "cache_prompt", V: false}, {K: "type", V: "text"}, {K: "text", V: output}}}},
				{K: "is_error", V: exitCode != 0},
				{K: "command", V: c.Command},
				{K: "exit_code", V: exitCode},
				{K: "timeout", V: false},
				{K: "metadata", V: wire.Obj{
					{K: "exit_code", V: exitCode},
					{K: "pid", V: -1},
					{K: "username", V: "openhands"},
					{K: "hostname", V: "sandbox"},
					{K: "working_dir", V: "/workspace/project"},
					{K: "py_interpreter_path", V: nil},
					{K: "prefix", V: ""},
					{K: "suffix", V: ""},
				}},
				{K: "full_output_save_dir", V: "/workspace/conversations/" + convHex + "/observations"},
				{K: "kind", V: "TerminalObservation"},
			}},
			{K: "action_id", V: action.ID},
			{K: "extended_content", V: []any{}},
		},
	}
}

func newUserReject(action *Event, c terminalCall, reason string, withSource bool) *Event {
	f := wire.Obj{
		{K: "tool_name", V: "terminal"},
		{K: "tool_call_id", V: c.ToolCallID},
		{K: "rejection_reason", V: reason},
	}
	if withSource {
		f = append(f, wire.KV{K: "rejection_source", V: "user"})
	}
	f = append(f, wire.KV{K: "action_id", V: action.ID})
	return &Event{Source: SourceEnvironment, Kind: "UserRejectObservation", Fields: f}
}

func newAgentError(c terminalCall, msg string) *Event {
	return &Event{
		Source: SourceAgent,
		Kind:   "AgentErrorEvent",
		Fields: wire.Obj{
			{K: "tool_name", V: "terminal"},
			{K: "tool_call_id", V: c.ToolCallID},
			{K: "error", V: msg},
			{K: "classification", V: wire.Obj{
				{K: "kind", V: "agent_action"}, {K: "retryable", V: false}, {K: "user_action", V: "none"},
			}},
		},
	}
}

func newStateUpdate(key string, value any) *Event {
	return &Event{
		Source: SourceEnvironment,
		Kind:   "ConversationStateUpdateEvent",
		Fields: wire.Obj{{K: "key", V: key}, {K: "value", V: value}},
	}
}

func newPauseEvent() *Event     { return &Event{Source: SourceUser, Kind: "PauseEvent"} }
func newInterruptEvent() *Event { return &Event{Source: SourceUser, Kind: "InterruptEvent"} }

func newSystemPrompt() *Event {
	tool := func(name, desc string) wire.Obj {
		return wire.Obj{{K: "name", V: name}, {K: "description", V: desc}, {K: "kind", V: "ToolDefinition"}}
	}
	return &Event{
		Source: SourceAgent,
		Kind:   "SystemPromptEvent",
		Fields: wire.Obj{
			{K: "system_prompt", V: textContent("You are OpenHands agent, a helpful AI assistant that can interact with a computer to solve tasks.")},
			{K: "tools", V: []any{
				tool("terminal", "Execute a bash command in the terminal."),
				tool("file_editor", "Custom editing tool for viewing, creating and editing files."),
				tool("task_tracker", "Track the tasks of the current job."),
			}},
			{K: "dynamic_context", V: nil},
		},
	}
}

func newStreamingDelta(content string) *Event {
	return &Event{
		Source: SourceAgent,
		Kind:   "StreamingDeltaEvent",
		Fields: wire.Obj{{K: "content", V: content}, {K: "reasoning_content", V: nil}},
	}
}

func newServerError(code, detail string) *Event {
	return &Event{
		Source: SourceEnvironment,
		Kind:   "ServerErrorEvent",
		Fields: wire.Obj{{K: "code", V: code}, {K: "detail", V: detail}},
	}
}

package agentserver

import (
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// maskedSecret is how Pydantic dumps a SecretStr in JSON mode.
const maskedSecret = "**********"

// defaultAgent is the agent dump of a conversation created with only a
// model: the default tool set and an LLM with usage id "agent".
func defaultAgent(model string) wire.Obj {
	return wire.Obj{
		{K: "llm", V: wire.Obj{
			{K: "model", V: model},
			{K: "api_key", V: maskedSecret},
			{K: "base_url", V: nil},
			{K: "usage_id", V: "agent"},
		}},
		{K: "tools", V: []any{
			wire.Obj{{K: "name", V: "terminal"}, {K: "params", V: wire.Obj{}}},
			wire.Obj{{K: "name", V: "file_editor"}, {K: "params", V: wire.Obj{}}},
			wire.Obj{{K: "name", V: "task_tracker"}, {K: "params", V: wire.Obj{}}},
		}},
		{K: "mcp_config", V: wire.Obj{}},
		{K: "filter_tools_regex", V: nil},
		{K: "agent_context", V: nil},
		{K: "system_prompt_filename", V: "system_prompt.j2"},
		{K: "condenser", V: nil},
		{K: "kind", V: "Agent"},
	}
}

// agentFromRequest keeps what a client sent as its agent, filling the
// defaults the SDK would and masking the API key.
func agentFromRequest(req map[string]any, fallbackModel string) (wire.Obj, string) {
	model := fallbackModel
	agent := defaultAgent(model)
	llm, _ := req["llm"].(map[string]any)
	if m, ok := llm["model"].(string); ok && m != "" {
		model = m
	}
	llmObj := wire.Obj{{K: "model", V: model}, {K: "api_key", V: nil}, {K: "base_url", V: nil}, {K: "usage_id", V: "agent"}}
	for k, v := range llm {
		switch k {
		case "model":
		case "api_key":
			if v != nil {
				llmObj = llmObj.Set("api_key", maskedSecret)
			}
		default:
			llmObj = llmObj.Set(k, v)
		}
	}
	agent = agent.Set("llm", llmObj)
	for k, v := range req {
		if k != "llm" && k != "kind" {
			agent = agent.Set(k, v)
		}
	}
	// kind stays last, as the computed field is in a dump.
	out := make(wire.Obj, 0, len(agent))
	for _, kv := range agent {
		if kv.K != "kind" {
			out = append(out, kv)
		}
	}
	return append(out, wire.KV{K: "kind", V: "Agent"}), model
}

func policyObj(policy string) wire.Obj {
	if policy == ConfirmRisky {
		return wire.Obj{{K: "threshold", V: "HIGH"}, {K: "confirm_unknown", V: true}, {K: "kind", V: policy}}
	}
	return wire.Obj{{K: "kind", V: policy}}
}

func (c *conversation) workspaceObj() wire.Obj {
	return wire.Obj{{K: "working_dir", V: c.workingDir}, {K: "kind", V: "LocalWorkspace"}}
}

func (c *conversation) persistenceDir() string { return "/workspace/conversations/" + wire.Hex(c.id) }

func optional(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func (c *conversation) titleValue() any {
	if c.title == nil {
		return nil
	}
	return *c.title
}

func (c *conversation) tagsValue() map[string]string {
	if c.tags == nil {
		return map[string]string{}
	}
	return c.tags
}

// configLocked are the fields ConversationInfo and ConversationState share,
// in their common order.
func (c *conversation) configLocked() wire.Obj {
	return wire.Obj{
		{K: "workspace", V: c.workspaceObj()},
		{K: "persistence_dir", V: c.persistenceDir()},
		{K: "max_iterations", V: c.maxIterations},
		{K: "stuck_detection", V: c.stuckDetection},
		{K: "execution_status", V: c.status},
		{K: "confirmation_policy", V: policyObj(c.policy)},
	}
}

// infoLocked is the ConversationInfo REST routes return (nulls kept).
func (c *conversation) infoLocked() wire.Obj {
	v := c.srv.version
	o := append(wire.Obj{{K: "id", V: c.id}}, c.configLocked()...)
	o = append(o, wire.KV{K: "security_analyzer", V: nil}, wire.KV{K: "activated_knowledge_skills", V: []any{}})
	if v.AtLeast(tagInvokedSkills) {
		o = append(o, wire.KV{K: "invoked_skills", V: []any{}})
	}
	o = append(o, wire.KV{K: "blocked_actions", V: wire.Obj{}}, wire.KV{K: "blocked_messages", V: wire.Obj{}})
	if v.AtLeast(tagLastUserMsgID) {
		o = append(o, wire.KV{K: "last_user_message_id", V: optional(c.lastUserMsgID)})
	}
	if v.AtLeast(tagParentID) {
		o = append(o, wire.KV{K: "leaf_event_id", V: optional(c.leaf)})
	}
	o = append(o,
		wire.KV{K: "stats", V: c.stats.full()},
		wire.KV{K: "secret_registry", V: wire.Obj{{K: "secret_sources", V: wire.Obj{}}}},
		wire.KV{K: "agent_state", V: wire.Obj{}},
		wire.KV{K: "hook_config", V: nil},
		wire.KV{K: "title", V: c.titleValue()},
		wire.KV{K: "metrics", V: nil},
		wire.KV{K: "created_at", V: wire.UTCISO(c.createdAt)},
		wire.KV{K: "updated_at", V: wire.UTCISO(c.updatedAt)},
		wire.KV{K: "forked_from_conversation_id", V: nil},
		wire.KV{K: "forked_from_event_id", V: nil},
		wire.KV{K: "parent_conversation_id", V: nil},
	)
	if v.AtLeast(tagSubConvIDs) {
		o = append(o, wire.KV{K: "sub_conversation_ids", V: []any{}})
	}
	return append(o,
		wire.KV{K: "tags", V: c.tagsValue()},
		wire.KV{K: "agent", V: c.agent},
	)
}

// stateLocked is the ConversationState dump a full_state snapshot carries
// (encoded later with nulls dropped).
func (c *conversation) stateLocked() wire.Obj {
	v := c.srv.version
	o := append(wire.Obj{{K: "id", V: c.id}, {K: "agent", V: c.agent}}, c.configLocked()...)
	o = append(o,
		wire.KV{K: "activated_knowledge_skills", V: []any{}},
		wire.KV{K: "blocked_actions", V: wire.Obj{}},
		wire.KV{K: "blocked_messages", V: wire.Obj{}},
	)
	if v.AtLeast(tagLastUserMsgID) {
		o = append(o, wire.KV{K: "last_user_message_id", V: optional(c.lastUserMsgID)})
	}
	if v.AtLeast(tagParentID) {
		o = append(o, wire.KV{K: "leaf_event_id", V: optional(c.leaf)}, wire.KV{K: "head_is_empty", V: false})
	}
	return append(o,
		wire.KV{K: "stats", V: c.stats.full()},
		wire.KV{K: "secret_registry", V: wire.Obj{{K: "secret_sources", V: wire.Obj{}}}},
		wire.KV{K: "tags", V: c.tagsValue()},
		wire.KV{K: "agent_state", V: wire.Obj{}},
	)
}

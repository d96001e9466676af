package agentserver

import (
	"fmt"
	"sort"
	"strconv"

	"github.com/ohdash/ohdash/backend"
)

// conversationInfo is the part of the agent-server's ConversationInfo the
// dashboard uses; everything else is skipped by the decoder.
type conversationInfo struct {
	ID              string  `json:"id"`
	Title           *string `json:"title"`
	ExecutionStatus string  `json:"execution_status"`
	CreatedAt       string  `json:"created_at"`
	UpdatedAt       string  `json:"updated_at"`
	Agent           struct {
		Kind string `json:"kind"`
		LLM  struct {
			Model string `json:"model"`
		} `json:"llm"`
	} `json:"agent"`
	CurrentModelID string `json:"current_model_id"`
	Stats          *struct {
		UsageToMetrics map[string]metrics `json:"usage_to_metrics"`
	} `json:"stats"`
	// Metrics is null in practice (PROTOCOL.md §8.4); a fallback only.
	Metrics   *metrics `json:"metrics"`
	Workspace struct {
		WorkingDir string `json:"working_dir"`
	} `json:"workspace"`
	MaxIterations      int `json:"max_iterations"`
	ConfirmationPolicy struct {
		Kind string `json:"kind"`
	} `json:"confirmation_policy"`
	SecurityAnalyzer *struct {
		Kind string `json:"kind"`
	} `json:"security_analyzer"`
	StuckDetection       *bool             `json:"stuck_detection"`
	ParentConversationID *string           `json:"parent_conversation_id"`
	SubConversationIDs   []string          `json:"sub_conversation_ids"`
	Tags                 map[string]string `json:"tags"`
	PersistenceDir       string            `json:"persistence_dir"`
}

// metrics is a MetricsSnapshot (or the snapshot part of a full Metrics).
type metrics struct {
	ModelName             string      `json:"model_name"`
	AccumulatedCost       float64     `json:"accumulated_cost"`
	AccumulatedTokenUsage *tokenUsage `json:"accumulated_token_usage"`
}

type tokenUsage struct {
	PromptTokens     int64 `json:"prompt_tokens"`
	CompletionTokens int64 `json:"completion_tokens"`
	CacheReadTokens  int64 `json:"cache_read_tokens"`
	CacheWriteTokens int64 `json:"cache_write_tokens"`
	ReasoningTokens  int64 `json:"reasoning_tokens"`
}

// sumMetrics totals cost and tokens over every LLM of a conversation
// (agent, condenser, title generation), as ConversationStats does.
func sumMetrics(all map[string]metrics) (float64, backend.TokenUsage) {
	var cost float64
	var t backend.TokenUsage
	for _, m := range all {
		cost += m.AccumulatedCost
		if u := m.AccumulatedTokenUsage; u != nil {
			t.Prompt += u.PromptTokens
			t.Completion += u.CompletionTokens
			t.CacheRead += u.CacheReadTokens
			t.CacheWrite += u.CacheWriteTokens
			t.Reasoning += u.ReasoningTokens
		}
	}
	return cost, t
}

// toConversation maps a ConversationInfo; an id that is not a UUID is an
// error (the agent-server only makes UUIDs).
func (ci conversationInfo) toConversation() (backend.Conversation, error) {
	id, err := backend.ParseConversationID(ci.ID)
	if err != nil {
		return backend.Conversation{}, fmt.Errorf("%w: conversation %w", ErrBadResponse, err)
	}
	c := backend.Conversation{
		ID:                 id,
		Flavor:             backend.FlavorAgentServer,
		Status:             backend.ExecutionStatus(sanitizeLine(ci.ExecutionStatus, 40)),
		CreatedAt:          parseTime(ci.CreatedAt),
		UpdatedAt:          parseTime(ci.UpdatedAt),
		AgentKind:          sanitizeLine(ci.Agent.Kind, 40),
		Model:              sanitizeLine(ci.Agent.LLM.Model, 120),
		WorkingDir:         sanitizeLine(ci.Workspace.WorkingDir, 400),
		MaxIterations:      ci.MaxIterations,
		ConfirmationPolicy: sanitizeLine(ci.ConfirmationPolicy.Kind, 60),
	}
	if ci.Title != nil {
		c.Title = sanitizeLine(*ci.Title, 200)
	}
	if c.Model == "" {
		c.Model = sanitizeLine(ci.CurrentModelID, 120)
	}
	switch {
	case ci.Stats != nil && len(ci.Stats.UsageToMetrics) > 0:
		c.Cost, c.Tokens = sumMetrics(ci.Stats.UsageToMetrics)
	case ci.Metrics != nil:
		c.Cost, c.Tokens = sumMetrics(map[string]metrics{"": *ci.Metrics})
	}
	if ci.ParentConversationID != nil {
		if p, err := backend.ParseConversationID(*ci.ParentConversationID); err == nil {
			c.ParentID = p
		}
	}
	for _, s := range ci.SubConversationIDs {
		if p, err := backend.ParseConversationID(s); err == nil {
			c.SubConversationIDs = append(c.SubConversationIDs, p)
		}
	}
	if len(ci.Tags) > 0 {
		c.Tags = make(map[string]string, len(ci.Tags))
		for k, v := range ci.Tags {
			c.Tags[sanitizeLine(k, 64)] = sanitizeLine(v, 256)
		}
	}
	c.Details = ci.details()
	return c, nil
}

// details lists facts for the details pane that have no field of their own.
func (ci conversationInfo) details() []backend.Field {
	var f []backend.Field
	add := func(name, v string) {
		if v != "" {
			f = append(f, backend.Field{Name: name, Value: v})
		}
	}
	if ci.SecurityAnalyzer != nil {
		add("Security analyzer", sanitizeLine(ci.SecurityAnalyzer.Kind, 60))
	}
	if ci.StuckDetection != nil {
		add("Stuck detection", strconv.FormatBool(*ci.StuckDetection))
	}
	add("Persistence dir", sanitizeLine(ci.PersistenceDir, 400))
	if ci.Stats != nil && len(ci.Stats.UsageToMetrics) > 1 {
		ids := make([]string, 0, len(ci.Stats.UsageToMetrics))
		for id := range ci.Stats.UsageToMetrics {
			ids = append(ids, id)
		}
		sort.Strings(ids)
		for _, id := range ids {
			m := ci.Stats.UsageToMetrics[id]
			add("LLM "+sanitizeLine(id, 40), fmt.Sprintf("%s $%.4f", sanitizeLine(m.ModelName, 120), m.AccumulatedCost))
		}
	}
	return f
}

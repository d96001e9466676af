package openhands

import (
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// appConversation is the app-server's AppConversation (what ohdash uses).
type appConversation struct {
	ID              string   `json:"id"`
	SandboxID       string   `json:"sandbox_id"`
	Repository      *string  `json:"selected_repository"`
	Branch          *string  `json:"selected_branch"`
	GitProvider     *string  `json:"git_provider"`
	Title           *string  `json:"title"`
	Trigger         *string  `json:"trigger"`
	PRNumbers       []int    `json:"pr_number"`
	Model           *string  `json:"llm_model"`
	Metrics         *metrics `json:"metrics"`
	ParentID        *string  `json:"parent_conversation_id"`
	SubIDs          []string `json:"sub_conversation_ids"`
	CreatedAt       string   `json:"created_at"`
	UpdatedAt       string   `json:"updated_at"`
	SandboxStatus   string   `json:"sandbox_status"`
	ExecutionStatus *string  `json:"execution_status"`
	ConversationURL *string  `json:"conversation_url"`
	SessionAPIKey   *string  `json:"session_api_key"`
}

// metrics is the MetricsSnapshot the app-server stores (the agent LLM's).
type metrics struct {
	Cost   float64 `json:"accumulated_cost"`
	Tokens *struct {
		Prompt     int64 `json:"prompt_tokens"`
		Completion int64 `json:"completion_tokens"`
		CacheRead  int64 `json:"cache_read_tokens"`
		CacheWrite int64 `json:"cache_write_tokens"`
		Reasoning  int64 `json:"reasoning_tokens"`
	} `json:"accumulated_token_usage"`
}

type convPage struct {
	Items      []appConversation `json:"items"`
	NextPageID *string           `json:"next_page_id"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// toConversation maps an AppConversation; false when its ids are not
// plausible (refused at the edge, never shown).
func (b *Backend) toConversation(ac appConversation) (backend.Conversation, bool) {
	id, err := backend.ParseConversationID(ac.ID)
	if err != nil || checkID(ac.SandboxID) != nil {
		return backend.Conversation{}, false
	}
	c := backend.Conversation{
		ID: id, SandboxID: ac.SandboxID, Source: b.opts.Name, Flavor: backend.FlavorAgentServer,
		Title: clientkit.SanitizeLine(str(ac.Title), 200), Status: backend.ExecutionStatus(clientkit.SanitizeLine(str(ac.ExecutionStatus), 40)),
		Model: clientkit.SanitizeLine(str(ac.Model), 120), CreatedAt: clientkit.ParseTime(ac.CreatedAt), UpdatedAt: clientkit.ParseTime(ac.UpdatedAt),
		AgentKind: "Agent",
	}
	if ac.ExecutionStatus == nil {
		c.RawStatus = "sandbox " + clientkit.SanitizeLine(ac.SandboxStatus, 40)
	}
	if m := ac.Metrics; m != nil {
		c.Cost = m.Cost
		if t := m.Tokens; t != nil {
			c.Tokens = backend.TokenUsage{Prompt: t.Prompt, Completion: t.Completion, CacheRead: t.CacheRead, CacheWrite: t.CacheWrite, Reasoning: t.Reasoning}
		}
	}
	if p, err := backend.ParseConversationID(str(ac.ParentID)); err == nil {
		c.ParentID = p
	}
	for _, s := range ac.SubIDs {
		if p, err := backend.ParseConversationID(s); err == nil {
			c.SubConversationIDs = append(c.SubConversationIDs, p)
		}
	}
	add := func(name, v string) {
		if v = clientkit.SanitizeLine(v, 200); v != "" {
			c.Details = append(c.Details, backend.Field{Name: name, Value: v})
		}
	}
	add("Repository", str(ac.Repository))
	add("Branch", str(ac.Branch))
	add("Git provider", str(ac.GitProvider))
	add("Trigger", str(ac.Trigger))
	if len(ac.PRNumbers) > 0 {
		prs := make([]string, len(ac.PRNumbers))
		for i, n := range ac.PRNumbers {
			prs[i] = "#" + strconv.Itoa(n)
		}
		add("Pull requests", strings.Join(prs, " "))
	}
	add("Sandbox status", ac.SandboxStatus)
	return c, true
}

package nestedv0

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// info is the V0 ConversationInfo.
type info struct {
	ConversationID     string  `json:"conversation_id"`
	Title              string  `json:"title"`
	LastUpdatedAt      string  `json:"last_updated_at"`
	CreatedAt          string  `json:"created_at"`
	Status             string  `json:"status"`
	RuntimeStatus      *string `json:"runtime_status"`
	SelectedRepository *string `json:"selected_repository"`
	SelectedBranch     *string `json:"selected_branch"`
	Trigger            *string `json:"trigger"`
	NumConnections     int     `json:"num_connections"`
}

// Conversation returns the conversation with its status. The V0 status
// (RUNNING, STOPPED, …) is refined by the agent's last reported state, so
// an agent waiting for input reads idle rather than running.
func (c *Client) Conversation(ctx context.Context) (backend.Conversation, error) {
	var in *info
	if err := c.api.Do(ctx, clientkit.Call{Op: "get conversation", Method: http.MethodGet, Path: c.path("")}, &in); err != nil {
		return backend.Conversation{}, err
	}
	if in == nil {
		// The route answers null for an unknown conversation.
		return backend.Conversation{}, fmt.Errorf("get conversation: %w", backend.ErrNotFound)
	}
	conv := backend.Conversation{
		ID:        c.id,
		Flavor:    backend.FlavorNestedV0,
		Title:     clientkit.SanitizeLine(in.Title, 200),
		RawStatus: clientkit.SanitizeLine(in.Status, 40),
		Status:    statusOf(in.Status, ""),
		CreatedAt: clientkit.ParseTime(in.CreatedAt),
		UpdatedAt: clientkit.ParseTime(in.LastUpdatedAt),
	}
	add := func(name string, v *string) {
		if v != nil && *v != "" {
			conv.Details = append(conv.Details, backend.Field{Name: name, Value: clientkit.SanitizeLine(*v, 200)})
		}
	}
	add("Runtime status", in.RuntimeStatus)
	add("Repository", in.SelectedRepository)
	add("Branch", in.SelectedBranch)
	add("Trigger", in.Trigger)
	conv.Details = append(conv.Details, backend.Field{Name: "Connections", Value: strconv.Itoa(in.NumConnections)})
	if in.Status == StatusRunning {
		if st, ok := c.lastAgentState(ctx); ok {
			conv.Status = statusOf(in.Status, st)
		}
	}
	return conv, nil
}

// lastAgentState reads the newest agent_state_changed observation among
// the last events (best effort: a failure leaves the status coarse).
func (c *Client) lastAgentState(ctx context.Context) (string, bool) {
	page, err := c.page(ctx, url.Values{"reverse": {"true"}, "limit": {"25"}}, 0)
	if err != nil {
		return "", false
	}
	for _, d := range page.events {
		if d.agentState != "" {
			return d.agentState, true
		}
	}
	return "", false
}

// statusOf maps a V0 conversation status, refined by the agent state
// (openhands/core/schema/agent.py) when known, to an execution status.
func statusOf(conv, agent string) backend.ExecutionStatus {
	switch conv {
	case StatusStopped:
		return backend.ExecPaused
	case StatusArchived:
		return backend.ExecFinished
	case StatusError:
		return backend.ExecError
	case StatusStarting:
		return backend.ExecRunning
	}
	switch agent {
	case "awaiting_user_input":
		return backend.ExecIdle
	case "paused", "stopped":
		return backend.ExecPaused
	case "finished", "rejected":
		return backend.ExecFinished
	case "error":
		return backend.ExecError
	case "awaiting_user_confirmation":
		return backend.ExecWaitingForConfirmation
	}
	return backend.ExecRunning
}

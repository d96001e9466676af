// Package nestedv0 is a client for the legacy OpenHands V0 "nested" server:
// a full OpenHands server running one conversation inside an
// openhands-runtime-<conversation id> container (PROTOCOL.md §6). It reads
// the conversation's status and events (polled while focused, V0 has no
// plain websocket), and controls the agent by posting V0 agent-state
// actions.
//
// Stopping a V0 conversation has two halves, as OpenHands' docker nested
// conversation manager does it: Stop ends the agent loop and waits until
// the server reports STOPPED; stopping (or pausing) the container itself is
// the Docker backend's job. The UI does both: Stop, then pause the sandbox.
package nestedv0

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// Options tune a Client; zero fields take the defaults noted.
type Options struct {
	// HTTPClient is shared by every request (default: a keep-alive client).
	HTTPClient *http.Client
	// Timeout bounds each REST call (default 15 s).
	Timeout time.Duration
	// PollInterval is how often a stream asks for new events (default 1 s).
	PollInterval time.Duration
	// StopTries and StopInterval: after POST …/stop the status is checked
	// this many times, this far apart, for STOPPED (default 3 × 1 s, as
	// OpenHands does).
	StopTries    int
	StopInterval time.Duration
	// NewBackoff makes the retry policy of a stream (default
	// backend.NewBackoff).
	NewBackoff func() *backend.Backoff
}

// V0 conversation statuses (openhands/storage/data_models/conversation_status.py).
const (
	StatusStarting = "STARTING"
	StatusRunning  = "RUNNING"
	StatusStopped  = "STOPPED"
	StatusArchived = "ARCHIVED"
	StatusError    = "ERROR"
)

// Client talks to one nested server about its one conversation.
type Client struct {
	api  clientkit.Caller
	opts Options
	// route is the conversation id as the server knows it (hex, from the
	// container name); id is its canonical form.
	route, id string
}

// New returns a client for the nested server at baseURL hosting the
// conversation conversationID (the id in the container name).
func New(baseURL string, key backend.Secret, conversationID string, opts Options) (*Client, error) {
	u, err := clientkit.ParseBase(baseURL)
	if err != nil {
		return nil, fmt.Errorf("V0 server: %w", err)
	}
	if !validRouteID(conversationID) {
		return nil, fmt.Errorf("V0 conversation id %q: %w", clientkit.SanitizeLine(conversationID, 80), backend.ErrInvalidID)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = clientkit.DefaultHTTPClient()
	}
	if opts.Timeout <= 0 {
		opts.Timeout = 15 * time.Second
	}
	if opts.PollInterval <= 0 {
		opts.PollInterval = time.Second
	}
	if opts.StopTries <= 0 {
		opts.StopTries = 3
	}
	if opts.StopInterval <= 0 {
		opts.StopInterval = time.Second
	}
	if opts.NewBackoff == nil {
		opts.NewBackoff = backend.NewBackoff
	}
	c := &Client{api: clientkit.Caller{Base: u, Key: key, HTTP: opts.HTTPClient, Timeout: opts.Timeout}, opts: opts, route: conversationID}
	c.id = CanonicalID(conversationID)
	return c, nil
}

// ForSandbox returns a client for a V0 sandbox: its AGENT_SERVER URL is
// the nested server, SessionAPIKey the key derived from the JWT secret
// (empty when the Docker backend does not know the secret), and
// ConversationID the conversation it runs.
func ForSandbox(sb backend.Sandbox, opts Options) (*Client, error) {
	if sb.Flavor != backend.FlavorNestedV0 || sb.ConversationID == "" {
		return nil, fmt.Errorf("sandbox %s is not a V0 conversation runtime: %w", sb.ID, backend.ErrUnsupported)
	}
	if sb.AgentURL() == "" {
		return nil, fmt.Errorf("sandbox %s has no nested server URL (is it running?): %w", sb.ID, backend.ErrUnavailable)
	}
	return New(sb.AgentURL(), sb.SessionAPIKey, sb.ConversationID, opts)
}

// CanonicalID is the canonical form of a V0 conversation id: the dashed
// UUID when it is one (V0 ids normally are uuid4().hex), else the id itself.
func CanonicalID(id string) string {
	if c, err := backend.ParseConversationID(id); err == nil {
		return c
	}
	return id
}

// validRouteID accepts what a container name can carry.
func validRouteID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, r := range s {
		ok := r == '-' || r == '_' || r == '.' || (r >= '0' && r <= '9') || (r >= 'a' && r <= 'z') || (r >= 'A' && r <= 'Z')
		if !ok {
			return false
		}
	}
	return true
}

// ID is the conversation's canonical id.
func (c *Client) ID() string { return c.id }

func (c *Client) path(suffix string) string {
	return "/api/conversations/" + url.PathEscape(c.route) + suffix
}

// Stop ends the agent loop (POST …/stop) and waits until the server reports
// STOPPED. It leaves the container running: pause the sandbox afterwards.
func (c *Client) Stop(ctx context.Context) error {
	err := c.api.Do(ctx, clientkit.Call{Op: "stop conversation", Method: http.MethodPost, Path: c.path("/stop")}, nil)
	if err != nil {
		return err
	}
	status := ""
	for i := 0; i < c.opts.StopTries; i++ {
		conv, err := c.Conversation(ctx)
		if err != nil {
			return err
		}
		if status = conv.RawStatus; status == StatusStopped {
			return nil
		}
		if i < c.opts.StopTries-1 {
			t := time.NewTimer(c.opts.StopInterval)
			select {
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			case <-t.C:
			}
		}
	}
	return fmt.Errorf("stop conversation: still %s after %d checks: %w", status, c.opts.StopTries, backend.ErrConflict)
}

// setAgentState posts a V0 ChangeAgentStateAction.
func (c *Client) setAgentState(ctx context.Context, op, state string) error {
	body := map[string]any{"action": "change_agent_state", "source": "user", "args": map[string]any{"agent_state": state}}
	return c.post(ctx, op, body)
}

// post sends an event to the running conversation; the server answers 404
// when the agent loop is not running.
func (c *Client) post(ctx context.Context, op string, body any) error {
	err := c.api.Do(ctx, clientkit.Call{Op: op, Method: http.MethodPost, Path: c.path("/events"), Body: body}, nil)
	if errors.Is(err, backend.ErrNotFound) {
		return fmt.Errorf("%s: the conversation's agent loop is not running (start it first): %w", op, backend.ErrConflict)
	}
	return err
}

// Pause asks the agent to pause after its current step.
func (c *Client) Pause(ctx context.Context) error {
	return c.setAgentState(ctx, "pause conversation", "paused")
}

// Interrupt stops the agent at once (V0 agent state "stopped"); the
// conversation waits for a new message.
func (c *Client) Interrupt(ctx context.Context) error {
	return c.setAgentState(ctx, "interrupt conversation", "stopped")
}

// Run starts the agent loop when it is stopped, or resumes a paused agent.
func (c *Client) Run(ctx context.Context) error {
	conv, err := c.Conversation(ctx)
	if err != nil {
		return err
	}
	if conv.RawStatus != StatusRunning && conv.RawStatus != StatusStarting {
		return c.api.Do(ctx, clientkit.Call{Op: "start conversation", Method: http.MethodPost, Path: c.path("/start"),
			Body: map[string]any{"providers_set": nil}}, nil)
	}
	return c.setAgentState(ctx, "resume conversation", "running")
}

// Delete deletes the conversation from the nested server.
func (c *Client) Delete(ctx context.Context) error {
	var ok bool
	if err := c.api.Do(ctx, clientkit.Call{Op: "delete conversation", Method: http.MethodDelete, Path: c.path("")}, &ok); err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("delete conversation: %w", backend.ErrNotFound)
	}
	return nil
}

// SendMessage posts a user message; the agent answers it.
func (c *Client) SendMessage(ctx context.Context, text string) error {
	body := map[string]any{"action": "message", "source": "user",
		"args": map[string]any{"content": text, "image_urls": []string{}, "file_urls": []string{}}}
	return c.post(ctx, "send message", body)
}

// RespondToConfirmation confirms or rejects the pending action (V0 agent
// states user_confirmed / user_rejected). V0 has no rejection reason.
func (c *Client) RespondToConfirmation(ctx context.Context, accept bool) error {
	state := "user_rejected"
	if accept {
		state = "user_confirmed"
	}
	return c.setAgentState(ctx, "respond to confirmation", state)
}

// Package agentserver is a client for the OpenHands agent-server that runs
// inside every V1 sandbox: conversations and events over REST, server
// details, and a live event stream over the events websocket that survives
// reconnects without gaps or duplicates (see stream.go).
//
// Conversation ids are accepted dashed or as 32 hex digits and normalised
// to the canonical lower-case dashed form (backend.ParseConversationID);
// routes use the dashed form (the server accepts both), page ids are
// passed back exactly as the server sent them (hex).
//
// The session API key travels in the X-Session-API-Key header on /api
// calls and in the session_api_key query parameter on the websocket (the
// one method every server version accepts). It is revealed only when a
// request is built and never appears in errors or logs.
package agentserver

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// DefaultTimeout bounds every REST call that has no earlier deadline.
const DefaultTimeout = 15 * time.Second

// ErrBadResponse: the server answered 2xx with a body that is not what its
// API promises. APIError is a non-2xx answer; it unwraps to the backend
// sentinel that fits the status.
var ErrBadResponse = clientkit.ErrBadResponse

// APIError is a non-2xx answer from the agent-server.
type APIError = clientkit.APIError

// Options tune a Client. The zero value is ready for production use.
type Options struct {
	// HTTPClient is shared by every request, so one keep-alive pool serves
	// many sandboxes. Nil uses a client built for this package.
	HTTPClient *http.Client
	// Timeout bounds each REST call (default DefaultTimeout).
	Timeout time.Duration
	// Stream tunes the live event stream; zero fields take defaults.
	Stream StreamTuning
	// Locate, when set, returns the server's current base URL. It is
	// asked after a request gets no answer and before every reconnect of
	// a stream: a restarted sandbox publishes its port anew.
	Locate func(ctx context.Context) (string, error)
}

// Client talks to one agent-server. It is safe for concurrent use and
// cheap to keep: it remembers the server version once detected.
type Client struct {
	api    clientkit.Caller
	base   *url.URL
	key    backend.Secret
	tuning StreamTuning

	verMu sync.Mutex
	ver   *ServerVersion

	// descIgnored: the server was caught ignoring sort_order or
	// timestamp__lt; "the newest N" is read by paging forward since.
	descIgnored atomic.Bool
}

// New returns a client for the agent-server at baseURL (http or https; a
// path prefix is kept, for proxied sandboxes).
func New(baseURL string, key backend.Secret, opts Options) (*Client, error) {
	u, err := clientkit.ParseBase(baseURL)
	if err != nil {
		return nil, fmt.Errorf("agent-server: %w", err)
	}
	c := &Client{base: u, key: key, tuning: opts.Stream.withDefaults()}
	c.api = clientkit.Caller{Base: u, Key: key, HTTP: opts.HTTPClient, Timeout: opts.Timeout}
	if opts.Locate != nil {
		c.api.Loc = clientkit.NewLocator(u, opts.Locate)
	}
	if c.api.HTTP == nil {
		c.api.HTTP = clientkit.DefaultHTTPClient()
	}
	if c.api.Timeout <= 0 {
		c.api.Timeout = DefaultTimeout
	}
	return c, nil
}

// ForSandbox returns a client for the sandbox's agent-server (its
// AGENT_SERVER exposed URL and session key).
func ForSandbox(sb backend.Sandbox, opts Options) (*Client, error) {
	base := sb.AgentURL()
	if base == "" {
		return nil, fmt.Errorf("sandbox %s has no agent-server URL (is it running?): %w", sb.ID, backend.ErrUnavailable)
	}
	return New(base, sb.SessionAPIKey, opts)
}

// BaseURL is the agent-server's base URL (it carries no credential).
func (c *Client) BaseURL() string { return c.api.CurrentBase().String() }

// Knows reports whether raw is this client's server: its current base URL
// or one it moved away from (see Options.Locate).
func (c *Client) Knows(raw string) bool {
	if c.api.Loc != nil {
		return c.api.Loc.Knows(raw)
	}
	u, err := clientkit.ParseBase(raw)
	return err == nil && u.String() == c.base.String()
}

// relocate asks where the server is now, when the client can; it is
// called before every reconnect, since a restarted sandbox may have
// published its port anew. Its error wraps backend.ErrNotFound when the
// sandbox's backend no longer knows the sandbox (it was removed).
func (c *Client) relocate(ctx context.Context) error {
	if c.api.Loc == nil {
		return nil
	}
	_, err := c.api.Loc.Refresh(ctx)
	return err
}

// call is one REST request; do performs it and decodes the answer.
type call = clientkit.Call

func (c *Client) do(ctx context.Context, k call, out any) error { return c.api.Do(ctx, k, out) }

// pathEscape escapes one path segment.
func pathEscape(s string) string { return url.PathEscape(s) }

// convPath is the REST path of a conversation, with a canonical id.
func convPath(id string) string { return "/api/conversations/" + pathEscape(id) }

// Aliases keep the call sites short.
var (
	sanitizeLine = clientkit.SanitizeLine
	sanitizeText = clientkit.SanitizeText
	truncate     = clientkit.Truncate
	parseTime    = clientkit.ParseTime
)

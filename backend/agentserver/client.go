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
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// DefaultTimeout bounds every REST call that has no earlier deadline.
const DefaultTimeout = 15 * time.Second

// maxBody bounds a REST response body. Pages are decoded item by item, so
// this is a guard against a hostile server, not a working-set size.
const maxBody = 256 << 20

// Options tune a Client. The zero value is ready for production use.
type Options struct {
	// HTTPClient is shared by every request, so one keep-alive pool serves
	// many sandboxes. Nil uses a client built for this package.
	HTTPClient *http.Client
	// Timeout bounds each REST call (default DefaultTimeout).
	Timeout time.Duration
	// Stream tunes the live event stream; zero fields take defaults.
	Stream StreamTuning
}

// Client talks to one agent-server. It is safe for concurrent use and
// cheap to keep: it remembers the server version once detected.
type Client struct {
	base    *url.URL
	key     backend.Secret
	hc      *http.Client
	timeout time.Duration
	tuning  StreamTuning

	verMu sync.Mutex
	ver   *ServerVersion
}

// DefaultHTTPClient returns a client with sane keep-alive limits and no
// overall timeout (each call has its own deadline).
func DefaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 8
	tr.IdleConnTimeout = 90 * time.Second
	tr.ResponseHeaderTimeout = DefaultTimeout
	return &http.Client{Transport: tr}
}

// New returns a client for the agent-server at baseURL (http or https; a
// path prefix is kept, for proxied sandboxes).
func New(baseURL string, key backend.Secret, opts Options) (*Client, error) {
	u, err := url.Parse(strings.TrimRight(baseURL, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("agent-server URL %q: want http(s)://host[:port][/path]: %w",
			backend.MaskURL(baseURL), backend.ErrInvalidID)
	}
	u.RawQuery, u.Fragment = "", ""
	c := &Client{base: u, key: key, hc: opts.HTTPClient, timeout: opts.Timeout, tuning: opts.Stream.withDefaults()}
	if c.hc == nil {
		c.hc = DefaultHTTPClient()
	}
	if c.timeout <= 0 {
		c.timeout = DefaultTimeout
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
func (c *Client) BaseURL() string { return c.base.String() }

// call describes one REST request.
type call struct {
	op     string // what we were doing, for messages: "pause conversation"
	method string
	path   string // below the base URL, segments already escaped
	query  url.Values
	body   any
	// badRequestIsNotFound: the route answers 400 for an unknown
	// conversation (pause, delete) instead of 404.
	badRequestIsNotFound bool
}

// send performs a call and returns the response for a 2xx status; the
// caller closes the body. Other statuses become errors (errors.go).
func (c *Client) send(ctx context.Context, k call) (*http.Response, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	target := c.base.String() + k.path
	if len(k.query) > 0 {
		target += "?" + k.query.Encode()
	}
	var body io.Reader
	if k.body != nil {
		b, err := json.Marshal(k.body)
		if err != nil {
			cancel()
			return nil, nil, fmt.Errorf("%s: encode request: %w", k.op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, k.method, target, body)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("%s: %w", k.op, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if !c.key.IsZero() {
		req.Header.Set("X-Session-API-Key", c.key.Reveal())
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		cancel()
		return nil, nil, c.transportError(ctx, k.op, err)
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer cancel()
		defer resp.Body.Close()
		return nil, nil, statusError(k, resp)
	}
	return resp, cancel, nil
}

// do performs a call and decodes a JSON answer into out (nil: ignore it).
func (c *Client) do(ctx context.Context, k call, out any) error {
	resp, cancel, err := c.send(ctx, k)
	if err != nil {
		return err
	}
	defer cancel()
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	dec := json.NewDecoder(io.LimitReader(resp.Body, maxBody))
	if err := dec.Decode(out); err != nil {
		return c.bodyError(ctx, k.op, err)
	}
	return nil
}

// transportError explains a request that got no HTTP answer. The caller's
// own cancellation stays recognisable; everything else is "unavailable".
func (c *Client) transportError(ctx context.Context, op string, err error) error {
	if cause := context.Cause(ctx); cause != nil && errors.Is(err, cause) && !errors.Is(cause, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, cause)
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%s: agent-server at %s did not answer in time: %w", op, c.base.Host, backend.ErrUnavailable)
	}
	return fmt.Errorf("%s: agent-server at %s unreachable (%s): %w", op, c.base.Host, shortNetError(err), backend.ErrUnavailable)
}

// bodyError explains a 2xx response that could not be read or decoded.
func (c *Client) bodyError(ctx context.Context, op string, err error) error {
	if ctx.Err() != nil {
		return c.transportError(ctx, op, err)
	}
	return fmt.Errorf("%s: %w: %s", op, ErrBadResponse, sanitizeLine(err.Error(), 200))
}

// shortNetError keeps the informative tail of a network error ("connection
// refused") without the request URL.
func shortNetError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		s = s[i+2:]
	}
	return sanitizeLine(s, 120)
}

// pathEscape escapes one path segment.
func pathEscape(s string) string { return url.PathEscape(s) }

// convPath is the REST path of a conversation, with a canonical id.
func convPath(id string) string { return "/api/conversations/" + pathEscape(id) }

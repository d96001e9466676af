// Package clientkit holds what ohdash's OpenHands clients (the agent-server
// client and the V0 nested-server client) share: JSON requests carrying the
// session key, HTTP statuses mapped to backend sentinels, sanitising of
// server text, and the outbox that hands stream updates to a consumer.
package clientkit

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
	"time"

	"github.com/ohdash/ohdash/backend"
)

// MaxBody bounds a REST response body: a guard against a hostile server,
// not a working-set size (pages are decoded item by item).
const MaxBody = 256 << 20

// Caller sends JSON requests to one server. The key travels in the
// X-Session-API-Key header and is revealed only when a request is built.
type Caller struct {
	Base    *url.URL
	Key     backend.Secret
	HTTP    *http.Client
	Timeout time.Duration
	// Loc, when set, overrides Base and is asked for the server's current
	// address when a request gets no answer; the request is then retried
	// once at the new address (reads always, writes only when the old
	// address refused the connection, so the server never saw them).
	Loc *Locator
}

// CurrentBase is the base URL requests go to now.
func (c *Caller) CurrentBase() *url.URL {
	if c.Loc != nil {
		return c.Loc.Base()
	}
	return c.Base
}

// ParseBase checks and normalises a server's base URL (http or https; a
// path prefix is kept, for proxied sandboxes).
func ParseBase(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("server URL %q: want http(s)://host[:port][/path]: %w", backend.MaskURL(raw), backend.ErrInvalidID)
	}
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// Call describes one request.
type Call struct {
	Op     string // what is being done, for messages: "pause conversation"
	Method string
	Path   string // below the base URL, segments already escaped
	Query  url.Values
	Body   any
	// BadRequestIsNotFound: the route answers 400 for an unknown
	// conversation (agent-server pause, delete) instead of 404.
	BadRequestIsNotFound bool
}

// Send performs a call and returns the response for a 2xx status; the
// caller closes the body and then calls the cancel func. Other statuses
// become *APIError; no answer at all becomes backend.ErrUnavailable.
func (c *Caller) Send(ctx context.Context, k Call) (*http.Response, context.CancelFunc, error) {
	resp, cancel, err := c.send(ctx, k)
	var te *transportFailure
	if err == nil || c.Loc == nil || !errors.As(err, &te) {
		return resp, cancel, unwrapFailure(err)
	}
	if k.Method != http.MethodGet && !te.dial {
		return nil, nil, te.err
	}
	if moved, _ := c.Loc.Refresh(ctx); !moved {
		return nil, nil, te.err
	}
	resp, cancel, err = c.send(ctx, k)
	return resp, cancel, unwrapFailure(err)
}

// transportFailure is a request that got no HTTP answer; dial says the
// connection was never made.
type transportFailure struct {
	err  error
	dial bool
}

func (t *transportFailure) Error() string { return t.err.Error() }

func unwrapFailure(err error) error {
	var te *transportFailure
	if errors.As(err, &te) {
		return te.err
	}
	return err
}

func (c *Caller) send(ctx context.Context, k Call) (*http.Response, context.CancelFunc, error) {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	base := c.CurrentBase()
	target := base.String() + k.Path
	if len(k.Query) > 0 {
		target += "?" + k.Query.Encode()
	}
	var body io.Reader
	if k.Body != nil {
		b, err := json.Marshal(k.Body)
		if err != nil {
			cancel()
			return nil, nil, fmt.Errorf("%s: encode request: %w", k.Op, err)
		}
		body = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, k.Method, target, body)
	if err != nil {
		cancel()
		return nil, nil, fmt.Errorf("%s: %w", k.Op, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if !c.Key.IsZero() {
		req.Header.Set("X-Session-API-Key", c.Key.Reveal())
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		var oe *net.OpError
		dial := errors.As(err, &oe) && oe.Op == "dial"
		err = c.transportError(ctx, k.Op, err)
		cancel()
		return nil, nil, &transportFailure{err: err, dial: dial}
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		defer cancel()
		defer resp.Body.Close()
		return nil, nil, statusError(k, resp)
	}
	resp.Body = trackedBody{resp.Body}
	return resp, cancel, nil
}

// bodyReadError is a failure to read a 2xx answer's body: the transfer
// broke (the connection closed early, a deadline passed), whatever the
// content. A decoder hands it back as it is, so BodyError can tell it
// from content that is not the JSON expected (both may otherwise be an
// io.ErrUnexpectedEOF).
type bodyReadError struct{ err error }

func (e *bodyReadError) Error() string { return e.err.Error() }
func (e *bodyReadError) Unwrap() error { return e.err }

// trackedBody marks the body's read failures as bodyReadError.
type trackedBody struct{ io.ReadCloser }

func (b trackedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	if err != nil && err != io.EOF {
		err = &bodyReadError{err}
	}
	return n, err
}

// Do performs a call and decodes a JSON answer into out (nil: ignore it).
func (c *Caller) Do(ctx context.Context, k Call, out any) error {
	resp, cancel, err := c.Send(ctx, k)
	if err != nil {
		return err
	}
	defer cancel()
	defer resp.Body.Close()
	if out == nil {
		_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, MaxBody)).Decode(out); err != nil {
		return c.BodyError(ctx, k.Op, err)
	}
	return nil
}

// transportError explains a request that got no HTTP answer. The caller's
// own cancellation stays recognisable; everything else is "unavailable".
func (c *Caller) transportError(ctx context.Context, op string, err error) error {
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.DeadlineExceeded) {
		return fmt.Errorf("%s: %w", op, cause)
	}
	var ne net.Error
	if errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%s: server at %s did not answer in time: %w", op, c.CurrentBase().Host, backend.ErrUnavailable)
	}
	return fmt.Errorf("%s: server at %s unreachable (%s): %w", op, c.CurrentBase().Host, ShortNetError(err), backend.ErrUnavailable)
}

// BodyError explains a 2xx response that could not be read or decoded:
// a transfer that broke is the connection's failure
// (backend.ErrUnavailable), only a body that arrived whole and is wrong is
// ErrBadResponse.
func (c *Caller) BodyError(ctx context.Context, op string, err error) error {
	var re *bodyReadError
	if errors.As(err, &re) && ctx.Err() == nil {
		if errors.Is(re.err, io.ErrUnexpectedEOF) {
			return fmt.Errorf("%s: server at %s closed the connection before the answer was complete: %w", op, c.CurrentBase().Host, backend.ErrUnavailable)
		}
		return c.transportError(ctx, op, re.err)
	}
	if ctx.Err() != nil {
		return c.transportError(ctx, op, err)
	}
	return fmt.Errorf("%s: %w: %s", op, ErrBadResponse, SanitizeLine(err.Error(), 200))
}

// ShortNetError keeps the informative tail of a network error ("connection
// refused") without the request URL.
func ShortNetError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	s := err.Error()
	if i := strings.LastIndex(s, ": "); i >= 0 && i+2 < len(s) {
		s = s[i+2:]
	}
	return SanitizeLine(s, 120)
}

// MaxIdleConns bounds the idle connections DefaultHTTPClient keeps across
// every host. A fleet-wide listing (the spend pane's once a minute, the
// conversations tab's) talks to one agent-server per running sandbox, 8
// at a time; keeping a connection to each would hold two goroutines and
// their buffers per sandbox while the dashboard idles (50 sandboxes: 100
// goroutines, 7 MiB of stacks). As many as the listing concurrency (8):
// what one round of a listing has open at once can be reused.
const MaxIdleConns = 8

// IdleConnTimeout is how long DefaultHTTPClient keeps a connection no call
// uses: twice the conversations tab's refresh, so the rows it polls keep
// theirs, while what a once-a-minute listing opened goes between listings.
const IdleConnTimeout = 10 * time.Second

// DefaultHTTPClient returns a client with sane keep-alive limits and no
// overall timeout (each call has its own deadline): at most MaxIdleConns
// idle connections, the least recently used closed first, and none kept
// longer than IdleConnTimeout. It follows redirects only within the first request's
// origin (see SameOriginRedirect).
func DefaultHTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = MaxIdleConns
	tr.MaxIdleConnsPerHost = 8
	tr.IdleConnTimeout = IdleConnTimeout
	return &http.Client{Transport: tr, CheckRedirect: SameOriginRedirect}
}

// SameOriginRedirect is an http.Client CheckRedirect that refuses a
// redirect to another host or port, or from https to http: Go copies
// custom headers such as X-Session-API-Key to any host it is sent to
// (it strips only Authorization and cookies), so the key would go along.
func SameOriginRedirect(req *http.Request, via []*http.Request) error {
	first := via[0].URL
	if !strings.EqualFold(req.URL.Host, first.Host) || (first.Scheme == "https" && req.URL.Scheme != "https") {
		return fmt.Errorf("not following a redirect from %s to %s: the session key would go along", first.Redacted(), req.URL.Redacted())
	}
	if len(via) >= 10 {
		return errors.New("stopped after 10 redirects")
	}
	return nil
}

package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
)

// ErrMalformedResponse marks an answer that is not the JSON expected.
var ErrMalformedResponse = errors.New("malformed response from the runtime API")

// maxBody bounds what is read from one answer (a /list of thousands of
// runtimes is a few MB).
const maxBody = 64 << 20

// client sends runtime API calls with the key, a per-attempt timeout and
// a short, bounded retry. Reads (idempotent calls) are tried again after
// a 5xx, a reset or closed connection, or a truncated answer: one failed
// request must not empty a whole backend. Lifecycle posts are not, since
// the first may have been carried out: only when it certainly never
// reached the API (the dial failed) or was refused unprocessed (429). A
// call that got no answer within its deadline is not tried again either:
// a hung API would otherwise hold a command for several deadlines.
type client struct {
	base     string
	key      backend.Secret
	http     *http.Client
	timeout  time.Duration
	attempts int
	retry    time.Duration
	maxWait  time.Duration
}

type call struct {
	method, path string
	query        url.Values
	body         any
	// idempotent calls may be repeated after an ambiguous failure.
	idempotent bool
	// timeout overrides the client's per-attempt timeout when set.
	timeout time.Duration
}

// do runs c and decodes a 2xx JSON answer into out (when non-nil).
func (cl *client) do(ctx context.Context, c call, out any) error {
	var payload []byte
	if c.body != nil {
		var err error
		if payload, err = json.Marshal(c.body); err != nil {
			return fmt.Errorf("runtime API %s %s: %w", c.method, c.path, err)
		}
	}
	var last error
	for attempt := 1; ; attempt++ {
		body, wait, err := cl.once(ctx, c, payload)
		if err == nil {
			err = decodeAnswer(c, body, out)
			if err == nil || !c.idempotent || errors.Is(err, errNotJSON) {
				return err
			}
			// A 200 whose JSON is cut short is a transfer that failed
			// half-way (a proxy or the API gave up), worth another read.
			wait = 0
		}
		last = err
		if ctx.Err() != nil || attempt >= cl.attempts || wait < 0 {
			if attempt > 1 {
				return fmt.Errorf("%w (after %d attempts)", last, attempt)
			}
			return last
		}
		if wait == 0 {
			wait = jittered(cl.retry, attempt)
		}
		if wait > cl.maxWait {
			return fmt.Errorf("%w; asked to retry after %s, longer than the %s allowed", last, wait, cl.maxWait)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return last
		case <-t.C:
		}
	}
}

// jittered is the wait before attempt+1: base doubled per attempt, plus up
// to as much again at random, so that many clients failed by one outage
// do not come back in step (base 100 ms: 100-200 ms, then 200-400 ms).
func jittered(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt-1, 10)
	return d + rand.N(d+1)
}

// once makes one attempt. wait tells do what to do on error: -1 means
// "do not retry", 0 "retry after the backoff delay", more "retry after
// exactly this long" (a 429's Retry-After).
func (cl *client) once(ctx context.Context, c call, payload []byte) (body []byte, wait time.Duration, err error) {
	timeout := cl.timeout
	if c.timeout > 0 {
		timeout = c.timeout
	}
	actx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	u := cl.base + c.path
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, c.method, u, rd)
	if err != nil {
		return nil, -1, fmt.Errorf("runtime API %s %s: %w", c.method, c.path, err)
	}
	req.Header.Set("X-API-Key", cl.key.Reveal())
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := cl.http.Do(req)
	if errors.Is(err, errRedirectRefused) {
		// The API answered, with a redirect it would answer again.
		return nil, -1, fmt.Errorf("runtime API %s %s: %w", c.method, c.path, err)
	}
	if err != nil {
		return nil, retryNetwork(c, actx, err), networkError(ctx, actx, c, timeout, err)
	}
	defer resp.Body.Close()
	body, err = readBody(resp)
	if err != nil {
		return nil, retryNetwork(c, actx, err), networkError(ctx, actx, c, timeout, err)
	}
	if resp.StatusCode < 300 {
		return body, 0, nil
	}
	apiErr := &APIError{Method: c.method, Path: c.path, Status: resp.StatusCode, Detail: detailOf(body)}
	switch {
	case resp.StatusCode == http.StatusTooManyRequests:
		return nil, retryAfter(resp.Header.Get("Retry-After"), time.Now()), apiErr
	case transientStatus(resp.StatusCode) && c.idempotent:
		return nil, 0, apiErr
	}
	return nil, -1, apiErr
}

// readBody reads an answer of up to maxBody bytes, in one allocation when
// the length is announced.
func readBody(resp *http.Response) ([]byte, error) {
	if n := resp.ContentLength; n >= 0 && n <= maxBody {
		buf := make([]byte, n)
		_, err := io.ReadFull(resp.Body, buf)
		return buf, err
	}
	return io.ReadAll(io.LimitReader(resp.Body, maxBody))
}

// retryNetwork allows a retry after a network error when the call is
// idempotent or the request never left (the dial failed), but not after
// the attempt's deadline passed: see client.
func retryNetwork(c call, actx context.Context, err error) time.Duration {
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return -1
	}
	var op *net.OpError
	if c.idempotent || (errors.As(err, &op) && op.Op == "dial") {
		return 0
	}
	return -1
}

// decodeAnswer decodes body into out; a *[]byte takes the body as it is,
// for callers that decide themselves whether to decode.
func decodeAnswer(c call, body []byte, out any) error {
	switch p := out.(type) {
	case nil:
		return nil
	case *[]byte:
		*p = body
		return nil
	}
	if err := json.Unmarshal(body, out); err != nil {
		why := errNotJSON
		if truncatedJSON(body) {
			why = errTruncated
		}
		return fmt.Errorf("runtime API %s %s: %w: %w: %w", c.method, c.path, ErrMalformedResponse, why, err)
	}
	return nil
}

// retryAfter reads a Retry-After header (seconds or an HTTP date); a
// missing or unreadable one means "use the backoff".
func retryAfter(h string, now time.Time) time.Duration {
	h = strings.TrimSpace(h)
	if h == "" {
		return 0
	}
	if s, err := strconv.Atoi(h); err == nil && s >= 0 {
		return max(time.Duration(s)*time.Second, time.Millisecond)
	}
	if t, err := http.ParseTime(h); err == nil {
		return max(t.Sub(now), time.Millisecond)
	}
	return 0
}

// detailOf extracts FastAPI's {"detail": "..."} or the start of the body,
// flattened to one printable line.
func detailOf(body []byte) string {
	var d struct {
		Detail any `json:"detail"`
	}
	if json.Unmarshal(body, &d) == nil && d.Detail != nil {
		if s, ok := d.Detail.(string); ok {
			return oneLine(s)
		}
		b, _ := json.Marshal(d.Detail)
		return oneLine(string(b))
	}
	return oneLine(string(body))
}

// oneLine flattens an error body to one line that is safe to print: the
// shared sanitiser drops escape sequences, C1 controls and bidi overrides
// (a body may echo attacker-controlled input), and credentials are masked.
func oneLine(s string) string {
	if len(s) > 4096 {
		s = s[:4096] // only the start is shown: bound the work
	}
	s = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' || r == '\t' {
			return ' '
		}
		return r
	}, s)
	s = strings.TrimSpace(backend.SafeText(s))
	if len(s) > 200 {
		n := 200
		for n > 0 && !utf8.RuneStart(s[n]) {
			n--
		}
		s = s[:n] + "…"
	}
	return s
}

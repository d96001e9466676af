package openhands

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
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// ErrMalformed marks an answer that is not the JSON expected.
var ErrMalformed = errors.New("malformed answer from the app-server")

// maxBody bounds one answer (a page of 100 conversations is ~200 kB).
const maxBody = 16 << 20

// APIError is a non-2xx answer. Detail is sanitised and masked.
type APIError struct {
	Method, Path string
	Status       int
	Detail       string
}

func (e *APIError) Error() string {
	s := fmt.Sprintf("app-server %s %s: HTTP %d", e.Method, e.Path, e.Status)
	if e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden {
		return s + ": unauthorized: the app-server refused the API key"
	}
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	return s
}

// Unwrap maps the status to the shared sentinels.
func (e *APIError) Unwrap() error {
	switch {
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return backend.ErrUnauthorized
	case e.Status == http.StatusNotFound:
		return backend.ErrNotFound
	case e.Status == http.StatusConflict:
		return backend.ErrConflict
	case e.Status >= 500 || e.Status == http.StatusTooManyRequests:
		return backend.ErrUnavailable
	}
	return nil
}

// client sends app-server calls with the key, a per-attempt timeout and a
// short bounded retry of idempotent reads (a 5xx, a reset, a truncated
// answer); writes are retried only when the dial failed.
type client struct {
	base     string
	key      backend.Secret
	http     *http.Client
	timeout  time.Duration
	attempts int
	retry    time.Duration
}

type call struct {
	method, path string
	query        url.Values
	body         any
	idempotent   bool
}

func (cl *client) do(ctx context.Context, c call, out any) error {
	var payload []byte
	if c.body != nil {
		var err error
		if payload, err = json.Marshal(c.body); err != nil {
			return fmt.Errorf("app-server %s %s: %w", c.method, c.path, err)
		}
	}
	for attempt := 1; ; attempt++ {
		body, retry, err := cl.once(ctx, c, payload)
		if err == nil {
			if out == nil {
				return nil
			}
			if err = json.Unmarshal(body, out); err == nil {
				return nil
			}
			err = fmt.Errorf("app-server %s %s: %w: %w", c.method, c.path, ErrMalformed, err)
			retry = c.idempotent
		}
		if !retry || attempt >= cl.attempts || ctx.Err() != nil {
			if attempt > 1 {
				return fmt.Errorf("%w (after %d attempts)", err, attempt)
			}
			return err
		}
		d := cl.retry << (attempt - 1)
		if !clientkit.Sleep(ctx, d+rand.N(d+1)) {
			return err
		}
	}
}

// once makes one attempt; retry says whether another may follow.
func (cl *client) once(ctx context.Context, c call, payload []byte) ([]byte, bool, error) {
	actx, cancel := context.WithTimeout(ctx, cl.timeout)
	defer cancel()
	u := cl.base + "/api/v1" + c.path
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, c.method, u, rd)
	if err != nil {
		return nil, false, fmt.Errorf("app-server %s %s: %w", c.method, c.path, err)
	}
	if !cl.key.IsZero() {
		req.Header.Set("Authorization", "Bearer "+cl.key.Reveal())
		req.Header.Set("X-Session-API-Key", cl.key.Reveal())
	}
	req.Header.Set("Accept", "application/json")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := cl.http.Do(req)
	if err != nil {
		return nil, cl.retryNet(c, actx, err), cl.netErr(ctx, actx, c, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	if err != nil {
		return nil, cl.retryNet(c, actx, err), cl.netErr(ctx, actx, c, err)
	}
	if resp.StatusCode < 300 {
		return body, false, nil
	}
	e := &APIError{Method: c.method, Path: c.path, Status: resp.StatusCode, Detail: detailOf(body)}
	return nil, c.idempotent && (resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests), e
}

// retryNet allows another attempt after a network error for reads, and
// for writes only when the request never left (the dial failed); never
// after the attempt's own deadline (a hung server would hold a command
// for several deadlines).
func (cl *client) retryNet(c call, actx context.Context, err error) bool {
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return false
	}
	var op *net.OpError
	return c.idempotent || (errors.As(err, &op) && op.Op == "dial")
}

func (cl *client) netErr(ctx, actx context.Context, c call, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(actx.Err(), context.DeadlineExceeded) {
		return fmt.Errorf("app-server %s %s: no answer within %s: %w", c.method, c.path, cl.timeout, backend.ErrUnavailable)
	}
	return fmt.Errorf("app-server %s %s: %s: %w", c.method, c.path, clientkit.ShortNetError(err), backend.ErrUnavailable)
}

// detailOf extracts FastAPI's {"detail": …} or the start of the body, as
// one sanitised, masked line.
func detailOf(body []byte) string {
	var d struct {
		Detail any `json:"detail"`
	}
	s := string(body)
	if json.Unmarshal(body, &d) == nil && d.Detail != nil {
		if v, ok := d.Detail.(string); ok {
			s = v
		} else {
			b, _ := json.Marshal(d.Detail)
			s = string(b)
		}
	}
	return backend.MaskText(clientkit.SanitizeLine(s, 200))
}

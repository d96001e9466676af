package remote

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"syscall"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// How runtime API failures are told apart: by HTTP status, by what went
// wrong on the connection, and by what is wrong with an answer. The kind
// decides both the message and whether a read is worth another attempt.

// APIError is an HTTP error answer of the runtime API. It unwraps to the
// backend sentinel that fits its status, so callers use errors.Is.
type APIError struct {
	Method, Path string
	Status       int
	// Detail is the server's "detail" message or the start of its body.
	Detail string
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("runtime API %s %s: HTTP %d %s", e.Method, e.Path, e.Status, http.StatusText(e.Status))
	switch e.Status {
	case http.StatusBadGateway, http.StatusGatewayTimeout:
		msg += " (temporarily unavailable: restart or network issue)"
	case http.StatusServiceUnavailable:
		msg += " (unavailable: the API, or the runtime behind it, is restarting, overloaded or dormant)"
	case http.StatusUnauthorized, http.StatusForbidden:
		msg += " (the API key was refused)"
	case http.StatusTooManyRequests:
		msg += " (rate limited)"
	}
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg
}

// Unwrap maps the status to a backend sentinel.
func (e *APIError) Unwrap() error {
	switch e.Status {
	case http.StatusNotFound:
		return backend.ErrNotFound
	case http.StatusUnauthorized, http.StatusForbidden:
		return backend.ErrUnauthorized
	case http.StatusConflict:
		return backend.ErrConflict
	case http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return backend.ErrUnavailable
	}
	return nil
}

// transientStatus reports the 5xx answers worth a second read: a server
// error, or a gateway or API that is (for now) unavailable. 501 and the
// like say something permanent.
func transientStatus(code int) bool {
	switch code {
	case http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

// ErrReset marks a connection the runtime API (or a proxy in front of
// it) reset or closed before its answer was complete.
var ErrReset = errors.New("connection reset by the runtime API")

func networkError(ctx, actx context.Context, c call, timeout time.Duration, err error) error {
	switch {
	case ctx.Err() != nil:
		return fmt.Errorf("runtime API %s %s: %w", c.method, c.path, ctx.Err())
	case errors.Is(actx.Err(), context.DeadlineExceeded):
		return fmt.Errorf("runtime API %s %s: no answer within %s: %w", c.method, c.path, timeout, backend.ErrUnavailable)
	case errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.EPIPE):
		return fmt.Errorf("runtime API %s %s: %w: %w", c.method, c.path, ErrReset, backend.ErrUnavailable)
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		return fmt.Errorf("runtime API %s %s: %w (closed before the answer was complete): %w", c.method, c.path, ErrReset, backend.ErrUnavailable)
	}
	return fmt.Errorf("runtime API %s %s: %w: %w", c.method, c.path, backend.ErrUnavailable, err)
}

var (
	// errTruncated: the answer is JSON cut short (worth another read).
	errTruncated = errors.New("answer cut short")
	// errNotJSON: the answer is something else entirely (not worth one).
	errNotJSON = errors.New("not the JSON expected")
)

// truncatedJSON reports whether body is JSON cut short: not valid, but
// the start of some JSON text (it decodes token by token up to its end
// without a syntax error).
func truncatedJSON(body []byte) bool {
	if json.Valid(body) {
		return false
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		_, err := dec.Token()
		switch {
		case err == nil:
			continue
		case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return len(bytes.TrimSpace(body)) > 0
		}
		return false
	}
}

package clientkit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/ohdash/ohdash/backend"
)

// ErrBadResponse: the server answered 2xx with a body that is not what its
// API promises (malformed JSON, a wrong shape).
var ErrBadResponse = errors.New("malformed response from the server")

// APIError is a non-2xx answer. It unwraps to the backend sentinel that fits
// the status (ErrUnauthorized, ErrNotFound, ErrConflict, ErrUnavailable,
// ErrUnsupported), so callers test it with errors.Is.
type APIError struct {
	Op     string
	Status int
	// Detail is the server's "detail" text, sanitised and shortened.
	Detail string
	kind   error
	hint   string
}

// Error reads "pause conversation: conversation not found (HTTP 400: …)".
func (e *APIError) Error() string {
	msg := e.Op + ": " + e.hint + fmt.Sprintf(" (HTTP %d", e.Status)
	if e.Detail != "" {
		msg += ": " + e.Detail
	}
	return msg + ")"
}

// Unwrap returns the matching sentinel, or nil.
func (e *APIError) Unwrap() error { return e.kind }

// statusError reads an error body and classifies the status.
func statusError(k Call, resp *http.Response) error {
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	e := &APIError{Op: k.Op, Status: resp.StatusCode, Detail: errorDetail(raw)}
	switch s := resp.StatusCode; {
	case s == http.StatusUnauthorized || s == http.StatusForbidden:
		e.kind, e.hint = backend.ErrUnauthorized, "session API key refused"
	case s == http.StatusNotFound:
		e.kind, e.hint = backend.ErrNotFound, "not found"
	case s == http.StatusBadRequest && k.BadRequestIsNotFound:
		e.kind, e.hint = backend.ErrNotFound, "conversation not found"
	case s == http.StatusConflict:
		e.kind, e.hint = backend.ErrConflict, "conflicts with the conversation's state"
	case s == http.StatusMethodNotAllowed:
		e.kind, e.hint = backend.ErrUnsupported, "not supported by this server"
	case s == http.StatusServiceUnavailable:
		e.kind, e.hint = backend.ErrUnavailable, "server not ready (dormant, still initialising, or its runtime is paused)"
	case s == http.StatusBadGateway || s == http.StatusGatewayTimeout:
		e.kind, e.hint = backend.ErrUnavailable, "server temporarily unreachable behind its proxy"
	case s == http.StatusTooManyRequests:
		e.kind, e.hint = backend.ErrUnavailable, "rate limited"
	case s >= 500:
		e.hint = "server failed"
	default:
		e.hint = "request refused"
	}
	return e
}

// errorDetail extracts FastAPI's "detail" (a string, or a validation list)
// from an error body; other bodies are shown as text. Always sanitised:
// the body may echo attacker-controlled input.
func errorDetail(raw []byte) string {
	var body struct {
		Detail json.RawMessage `json:"detail"`
	}
	if json.Unmarshal(raw, &body) == nil && len(body.Detail) > 0 {
		var s string
		if json.Unmarshal(body.Detail, &s) == nil {
			return SanitizeLine(s, 200)
		}
		return SanitizeLine(string(body.Detail), 200)
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return SanitizeLine(s, 200)
	}
	return SanitizeLine(string(raw), 200)
}

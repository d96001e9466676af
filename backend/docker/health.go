package docker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// healthPath is the agent-server route OpenHands' sandbox service probes.
const healthPath = "/health"

// maxHealthBody bounds how much of a /health answer is read.
const maxHealthBody = 4 << 10

// parseHealth judges a /health answer. Agent-servers since v1.21.0 answer
// {"status":"ok"}; older ones the bare JSON string "OK"; a proxy or a
// stand-in in front of one may answer an unquoted OK. Anything else,
// including a non-2xx status, is a failure with a short reason.
func parseHealth(status int, body []byte) (bool, string) {
	if status < 200 || status > 299 {
		return false, fmt.Sprintf("HTTP %d", status)
	}
	body = bytes.TrimSpace(body)
	var s string
	if json.Unmarshal(body, &s) == nil {
		if strings.EqualFold(s, "ok") {
			return true, ""
		}
		return false, fmt.Sprintf("unexpected answer %q", truncate(s, 40))
	}
	var obj struct {
		Status *string `json:"status"`
	}
	if json.Unmarshal(body, &obj) == nil && obj.Status != nil {
		if strings.EqualFold(*obj.Status, "ok") {
			return true, ""
		}
		return false, fmt.Sprintf("status %q", truncate(*obj.Status, 40))
	}
	if strings.EqualFold(string(body), "ok") {
		return true, ""
	}
	if len(body) == 0 {
		return false, "empty answer"
	}
	return false, "answer is not \"OK\" or {\"status\":\"ok\"}"
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// prober probes agent-servers' /health.
type prober struct {
	client  *http.Client
	timeout time.Duration
}

func newProber(timeout time.Duration) *prober {
	return &prober{
		timeout: timeout,
		client: &http.Client{
			Transport: &http.Transport{
				// Probes come minutes apart: a kept-alive connection would only
				// sit idle in both processes.
				DisableKeepAlives: true,
				DialContext:       (&net.Dialer{Timeout: timeout}).DialContext,
			},
			// A redirect is an answer in itself; don't follow it.
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		},
	}
}

// probe asks agentURL's /health once, within the probe timeout.
func (p *prober) probe(ctx context.Context, agentURL string) backend.Health {
	ctx, cancel := context.WithTimeout(ctx, p.timeout)
	defer cancel()
	start := time.Now()
	h := backend.Health{State: backend.HealthFailing, Checked: start}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(agentURL, "/")+healthPath, nil)
	if err != nil {
		h.Detail = "bad agent URL"
		return h
	}
	resp, err := p.client.Do(req)
	if err != nil {
		h.Detail = probeError(err, p.timeout)
		return h
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, maxHealthBody))
	h.Latency = time.Since(start)
	if err != nil {
		h.Detail = probeError(err, p.timeout)
		return h
	}
	if ok, why := parseHealth(resp.StatusCode, body); ok {
		h.State = backend.HealthOK
	} else {
		h.Detail = why
	}
	return h
}

// probeError turns a transport error into a few words for the table.
func probeError(err error, timeout time.Duration) string {
	var ne net.Error
	switch {
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "connection reset"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return err.Error()
}

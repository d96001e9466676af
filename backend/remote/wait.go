package remote

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// WaitReady follows a sandbox until its pod is ready and its agent-server
// answers /alive, calling progress with the sandbox after every poll (the
// StatusDetail says what it is waiting for). It returns the ready sandbox,
// or the last state seen with an error: ERROR (a failed pod, the start
// timeout), PAUSED or MISSING (nothing to wait for), or ctx's error.
// Transient API failures are shown through progress and waited out.
func (b *Backend) WaitReady(ctx context.Context, id string, progress func(backend.Sandbox)) (backend.Sandbox, error) {
	if err := checkID(id); err != nil {
		return backend.Sandbox{}, err
	}
	if progress == nil {
		progress = func(backend.Sandbox) {}
	}
	for {
		sb, done, err := b.pollReady(ctx, id)
		progress(sb)
		if done {
			return sb, err
		}
		t := time.NewTimer(b.opts.WaitPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return sb, fmt.Errorf("waiting for sandbox %s: %w", id, ctx.Err())
		case <-t.C:
		}
	}
}

// pollReady makes one check; done says whether waiting is over.
func (b *Backend) pollReady(ctx context.Context, id string) (backend.Sandbox, bool, error) {
	rt, err := b.api.session(ctx, id)
	now := b.opts.Now()
	b.mu.Lock()
	e := b.known[id]
	if e == nil && err == nil {
		e = b.entryLocked(id, now) // started elsewhere: known from now on
	}
	var sb backend.Sandbox
	if e != nil {
		switch {
		case errors.Is(err, backend.ErrNotFound):
			e.markGone(now)
		case err == nil:
			e.observe(rt, now)
		}
		e.settle(now, b.opts.StartTimeout)
		sb = e.sandbox(b.opts.Name, b.apiHost)
	} else {
		sb = backend.Sandbox{ID: id, Source: b.opts.Name, Status: backend.StatusMissing}
	}
	b.mu.Unlock()

	switch {
	case errors.Is(err, backend.ErrNotFound):
		return sb, true, fmt.Errorf("sandbox %s: %w", id, err)
	case errors.Is(err, backend.ErrUnavailable) || errors.Is(err, ErrMalformedResponse):
		sb.StatusDetail = "runtime API: " + err.Error()
		return sb, false, nil
	case err != nil:
		return sb, true, fmt.Errorf("sandbox %s: %w", id, err)
	}
	switch sb.Status {
	case backend.StatusError:
		return sb, true, fmt.Errorf("sandbox %s did not start: %s", id, sb.StatusDetail)
	case backend.StatusPaused, backend.StatusMissing:
		return sb, true, fmt.Errorf("sandbox %s is %s, not starting: %w", id, strings.ToLower(string(sb.Status)), backend.ErrConflict)
	case backend.StatusStarting:
		return sb, false, nil
	}
	// A 503 right after a start or resume is the ingress catching up, not
	// a pause: keep waiting. Long after one, it is a dormant runtime, as
	// on the health probe: nothing to wait for until it is resumed.
	h := b.probe(ctx, id, "/alive", !b.recentlyWoken(id))
	sb, _ = b.sandbox(id)
	if h.State == backend.HealthOK {
		return sb, true, nil
	}
	if sb.Status == backend.StatusPaused {
		return sb, true, fmt.Errorf("sandbox %s is dormant (its URL answers 503 though the runtime API calls it running); resume it: %w", id, backend.ErrConflict)
	}
	if sb.Status == backend.StatusRunning {
		sb.StatusDetail = "pod ready; agent-server not answering yet (" + h.Detail + ")"
	}
	return sb, false, nil
}

// recentlyWoken reports whether the sandbox was started or resumed within
// the start timeout, when a 503 from its URL is still expected.
func (b *Backend) recentlyWoken(id string) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.known[id]
	return e != nil && !e.wokenAt.IsZero() && b.opts.Now().Sub(e.wokenAt) <= b.opts.StartTimeout
}

// Probe checks a sandbox's agent-server (GET {url}/health with its session
// key) and keeps the result in the sandbox's Health. A 503 from the URL of
// a sandbox the API calls running means the ingress has nothing behind
// it: the sandbox is shown PAUSED and the detail suggests resuming it.
// Probe never resumes anything itself.
func (b *Backend) Probe(ctx context.Context, id string) (backend.Health, error) {
	if err := checkID(id); err != nil {
		return backend.Health{}, err
	}
	if _, ok := b.sandbox(id); !ok {
		return backend.Health{}, fmt.Errorf("sandbox %s: %w", id, backend.ErrNotFound)
	}
	return b.probe(ctx, id, "/health", true), nil
}

// probe GETs path on the sandbox's agent-server URL and records the result;
// markPaused lets a 503 mark the sandbox as paused behind the ingress.
func (b *Backend) probe(ctx context.Context, id, path string, markPaused bool) backend.Health {
	b.mu.Lock()
	e := b.known[id]
	if e == nil || e.rt == nil || e.rt.URL == "" {
		b.mu.Unlock()
		return backend.Health{State: backend.HealthNone, Detail: "no agent-server URL"}
	}
	base, key, raw := e.rt.URL, e.key, rawState(e.rt.Status, e.rt.PodStatus)
	b.mu.Unlock()

	began := time.Now()
	code, detail := b.get(ctx, strings.TrimRight(base, "/")+path, key)
	h := backend.Health{State: backend.HealthFailing, Checked: time.Now(), Latency: time.Since(began), Detail: detail}
	if code == http.StatusOK && healthy(path, detail) {
		h.State, h.Detail = backend.HealthOK, ""
	}
	now := b.opts.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if e := b.known[id]; e != nil {
		e.health = h
		switch {
		case code == http.StatusServiceUnavailable && markPaused:
			e.paused503 = raw
		case code == http.StatusOK:
			e.paused503 = ""
		}
		e.settle(now, b.opts.StartTimeout)
	}
	return h
}

// get fetches url with the session key; code is 0 when nothing answered.
// For 200 the detail is the body (for healthy), otherwise a description.
func (b *Backend) get(ctx context.Context, url string, key backend.Secret) (int, string) {
	ctx, cancel := context.WithTimeout(ctx, min(b.opts.RequestTimeout, 10*time.Second))
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err.Error()
	}
	if !key.IsZero() {
		req.Header.Set("X-Session-API-Key", key.Reveal())
	}
	resp, err := b.opts.HTTPClient.Do(req)
	if err != nil {
		return 0, backend.MaskURL(err.Error())
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode == http.StatusOK {
		return resp.StatusCode, string(body)
	}
	return resp.StatusCode, fmt.Sprintf("HTTP %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
}

// healthy accepts /alive's and /health's answers across agent-server
// versions: {"status":"ok"} or the bare string "OK" (before v1.21).
func healthy(path, body string) bool {
	if path == "/alive" {
		return true
	}
	var s string
	if json.Unmarshal([]byte(body), &s) == nil {
		return strings.EqualFold(s, "ok")
	}
	var o struct{ Status string }
	return json.Unmarshal([]byte(body), &o) == nil && strings.EqualFold(o.Status, "ok")
}

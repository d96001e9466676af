package agentserver

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// ServerVersion is an agent-server release. Behaviour that changed between
// releases (PROTOCOL.md §0) is decided by the methods below.
type ServerVersion struct {
	Major, Minor, Patch int
	// Raw is the version string as reported.
	Raw string
}

// ParseServerVersion reads "1.43.1", "v1.15.0", "1.4" or "1.23.0.dev3"
// (anything after the third number is ignored).
func ParseServerVersion(s string) (ServerVersion, error) {
	raw := s
	s = strings.TrimPrefix(strings.TrimSpace(s), "v")
	var n [3]int
	parts := strings.SplitN(s, ".", 4)
	for i := 0; i < len(parts) && i < 3; i++ {
		digits := parts[i]
		if j := strings.IndexFunc(digits, func(r rune) bool { return r < '0' || r > '9' }); j >= 0 {
			digits = digits[:j]
		}
		v, err := strconv.Atoi(digits)
		if err != nil {
			if i == 0 {
				return ServerVersion{}, fmt.Errorf("server version %q: %w", sanitizeLine(raw, 40), ErrBadResponse)
			}
			break
		}
		n[i] = v
		if len(digits) != len(parts[i]) {
			break
		}
	}
	return ServerVersion{Major: n[0], Minor: n[1], Patch: n[2], Raw: sanitizeLine(raw, 40)}, nil
}

// AtLeast reports whether v is major.minor.patch or newer.
func (v ServerVersion) AtLeast(major, minor, patch int) bool {
	if v.Major != major {
		return v.Major > major
	}
	if v.Minor != minor {
		return v.Minor > minor
	}
	return v.Patch >= patch
}

// HasResendSince: the websocket takes resend_mode=since&after_timestamp
// (v1.15.0); older servers only know resend_all.
func (v ServerVersion) HasResendSince() bool { return v.AtLeast(1, 15, 0) }

// HasInterrupt: POST /interrupt exists (v1.23.0).
func (v ServerVersion) HasInterrupt() bool { return v.AtLeast(1, 23, 0) }

// HasReady: GET /ready exists (v1.11.2).
func (v ServerVersion) HasReady() bool { return v.AtLeast(1, 11, 2) }

// String returns the version as reported.
func (v ServerVersion) String() string {
	if v.Raw != "" {
		return v.Raw
	}
	return fmt.Sprintf("%d.%d.%d", v.Major, v.Minor, v.Patch)
}

// ServerInfo is what GET /server_info reports (fields of old servers only
// where newer ones add more).
type ServerInfo struct {
	Version    ServerVersion
	SDKVersion string
	Title      string
	Uptime     time.Duration
	// IdleTime is the time since the last activity: hosted runtimes reap
	// pods idle for about 20 minutes.
	IdleTime time.Duration
}

// ServerInfo fetches /server_info (no authentication needed) and records
// the server version for the rest of this client's life.
func (c *Client) ServerInfo(ctx context.Context) (ServerInfo, error) {
	var raw struct {
		Version    string  `json:"version"`
		SDKVersion string  `json:"sdk_version"`
		Title      string  `json:"title"`
		Uptime     float64 `json:"uptime"`
		IdleTime   float64 `json:"idle_time"`
	}
	if err := c.do(ctx, call{Op: "server info", Method: http.MethodGet, Path: "/server_info"}, &raw); err != nil {
		return ServerInfo{}, err
	}
	v, err := ParseServerVersion(raw.Version)
	if err != nil {
		return ServerInfo{}, fmt.Errorf("server info: %w", err)
	}
	c.verMu.Lock()
	c.ver = &v
	c.verMu.Unlock()
	return ServerInfo{
		Version: v, SDKVersion: sanitizeLine(raw.SDKVersion, 40), Title: sanitizeLine(raw.Title, 80),
		Uptime: seconds(raw.Uptime), IdleTime: seconds(raw.IdleTime),
	}, nil
}

func seconds(f float64) time.Duration {
	if f < 0 || f > 1e9 {
		return 0
	}
	return time.Duration(f * float64(time.Second))
}

// KnownVersion returns the server version if it has been detected.
func (c *Client) KnownVersion() (ServerVersion, bool) {
	c.verMu.Lock()
	defer c.verMu.Unlock()
	if c.ver == nil {
		return ServerVersion{}, false
	}
	return *c.ver, true
}

// Version returns the server version, asking the server once; failures
// are not remembered, so the next call asks again.
func (c *Client) Version(ctx context.Context) (ServerVersion, error) {
	if v, ok := c.KnownVersion(); ok {
		return v, nil
	}
	info, err := c.ServerInfo(ctx)
	return info.Version, err
}

// Health checks GET /health. Servers before 1.21 answer the JSON string
// "OK", newer ones {"status":"ok"}; both are healthy, and so is an
// unquoted OK (a proxy or a stand-in in front of the server).
func (c *Client) Health(ctx context.Context) error {
	resp, cancel, err := c.api.Send(ctx, call{Op: "health", Method: http.MethodGet, Path: "/health"})
	if err != nil {
		return err
	}
	defer cancel()
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	if err != nil {
		return c.api.BodyError(ctx, "health", err)
	}
	raw = bytes.TrimSpace(raw)
	var s string
	if json.Unmarshal(raw, &s) == nil && strings.EqualFold(s, "ok") {
		return nil
	}
	var obj struct {
		Status string `json:"status"`
	}
	if json.Unmarshal(raw, &obj) == nil && strings.EqualFold(obj.Status, "ok") {
		return nil
	}
	if strings.EqualFold(string(raw), "ok") {
		return nil
	}
	return fmt.Errorf("health: unexpected answer %s: %w", sanitizeLine(string(raw), 80), backend.ErrUnavailable)
}

// Ready checks GET /ready (503 while initialising, ErrUnavailable). Servers
// before 1.11.2 have no /ready: they are ready once healthy, so Ready falls
// back to Health on a 404.
func (c *Client) Ready(ctx context.Context) error {
	err := c.do(ctx, call{Op: "ready", Method: http.MethodGet, Path: "/ready"}, nil)
	var ae *APIError
	if errors.As(err, &ae) && ae.Status == http.StatusNotFound {
		return c.Health(ctx)
	}
	return err
}

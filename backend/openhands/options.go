package openhands

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// CloudURL is OpenHands Cloud's app-server, the default of
// OPENHANDS_CLOUD_URL.
const CloudURL = "https://app.all-hands.dev"

// Options configure a Backend; zero fields take defaults.
type Options struct {
	// Name is the source name rows carry (default "openhands").
	Name string
	// URL is the app-server's base URL, without /api/v1.
	URL string
	// APIKey authenticates every call; it may be empty for a self-hosted
	// app-server without SESSION_API_KEY.
	APIKey backend.Secret
	// HTTPClient sends the requests (default: a keep-alive client).
	HTTPClient *http.Client
	// RequestTimeout bounds one attempt (default 15 s).
	RequestTimeout time.Duration
	// Attempts bounds the tries of an idempotent read (default 3).
	Attempts int
	// RetryBase is the first retry's delay, doubled per attempt and
	// jittered (default 200 ms).
	RetryBase time.Duration
	// PollInterval is the refresh period of Watch (default 5 s).
	PollInterval time.Duration
	// MaxBackoff bounds the wait between failed refreshes (default 30 s).
	MaxBackoff time.Duration
	// FullEvery makes every n-th conversation refresh a full listing
	// (default 12), so deletions show up.
	FullEvery int
	// Now is the clock (default time.Now).
	Now func() time.Time
}

func (o *Options) setDefaults() {
	if o.Name == "" {
		o.Name = "openhands"
	}
	if o.HTTPClient == nil {
		o.HTTPClient = clientkit.DefaultHTTPClient()
	}
	if o.RequestTimeout <= 0 {
		o.RequestTimeout = 15 * time.Second
	}
	if o.Attempts <= 0 {
		o.Attempts = 3
	}
	if o.RetryBase <= 0 {
		o.RetryBase = 200 * time.Millisecond
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	if o.MaxBackoff <= 0 {
		o.MaxBackoff = 30 * time.Second
	}
	if o.FullEvery <= 0 {
		o.FullEvery = 12
	}
	if o.Now == nil {
		o.Now = time.Now
	}
}

// checkURL accepts an http(s) URL with a host and no query, and returns it
// without a trailing slash. Plain http is only for loopback and private
// deployments: the key travels in every request.
func checkURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("app-server URL %q: want http(s)://host[:port]: %w", backend.MaskURL(raw), backend.ErrInvalidID)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return "", fmt.Errorf("app-server URL %s: must not carry a query or fragment: %w", backend.MaskURL(raw), backend.ErrInvalidID)
	}
	backend.RememberURLSecrets(raw)
	return strings.TrimRight(u.String(), "/"), nil
}

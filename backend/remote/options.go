package remote

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote/store"
)

// OpenHands' environment variable names for the runtime API.
const (
	EnvURL    = "SANDBOX_REMOTE_RUNTIME_API_URL"
	EnvAPIKey = "SANDBOX_API_KEY"
)

// Defaults for Options' zero fields.
const (
	DefaultName           = "remote"
	DefaultPollInterval   = 5 * time.Second
	DefaultStartTimeout   = 120 * time.Second
	DefaultRequestTimeout = 15 * time.Second
	DefaultGoneRecheck    = time.Minute
	DefaultBatchSize      = 100
	// DefaultImage is the agent-server image OpenHands' app-server pins
	// (PROTOCOL §4.2).
	DefaultImage = "ghcr.io/openhands/agent-server:4e2ecd8-python"
	// DefaultUID is OpenHands' run_as_user/run_as_group/fs_group.
	DefaultUID = 10001
)

// ErrInsecureURL is returned for a plain-http API URL on a non-loopback host.
var ErrInsecureURL = errors.New("refusing plain http to a remote host")

// Options configures a Backend. URL and APIKey are required; every other
// zero field takes the default named beside it.
type Options struct {
	// Name is the source name shown in rows (default "remote").
	Name   string
	URL    string
	APIKey backend.Secret
	// Insecure allows plain http:// to a non-loopback host, which sends
	// the API key across the network in clear text.
	Insecure bool
	// Store persists what ohdash knows about sandboxes; nil keeps it in
	// memory only (sandboxes the API forgot vanish when ohdash exits).
	Store *store.Store
	// HTTPClient sends every request (default: a pooled client).
	HTTPClient *http.Client

	PollInterval time.Duration // between refreshes (5 s)
	MaxBackoff   time.Duration // longest wait after failed refreshes (30 s)
	// RequestTimeout bounds one attempt of one API call (15 s; /start gets
	// at least 2 min).
	RequestTimeout time.Duration
	// StartTimeout is how long a sandbox may take to become ready before
	// it is shown as ERROR (120 s).
	StartTimeout time.Duration
	// Attempts per API call (3): reads are tried again after 500 and
	// 502-504, a reset or closed connection, or an answer cut short; every
	// call after 429 (not processed) or a failed dial (never sent).
	Attempts int
	// RetryBase is the first retry delay; it doubles per attempt, plus up
	// to as much again at random (100 ms: waits of 100-200, 200-400 ms).
	RetryBase time.Duration
	// MaxRetryAfter caps how long a 429's Retry-After is honoured before
	// the call fails instead (30 s).
	MaxRetryAfter time.Duration
	// GoneRecheck is how often sandboxes confirmed absent from /list are
	// checked again (1 min).
	GoneRecheck time.Duration
	// BatchSize caps ids per /sessions/batch request (100); requests are
	// also kept under about 6 KB of query string.
	BatchSize int
	// FallbackConcurrency bounds parallel GET /sessions/{id} when the API
	// has no batch route (8).
	FallbackConcurrency int
	// WaitPoll is WaitReady's polling interval (1 s).
	WaitPoll time.Duration

	// Start defaults.
	Image          string // DefaultImage
	ResourceFactor int    // 1, 2, 4 or 8 (1)
	// RuntimeClass is "" or "gvisor" (the API default) or "sysbox".
	RuntimeClass string
	// RunAsUser, RunAsGroup, FSGroup default to 10001, as OpenHands sends.
	RunAsUser, RunAsGroup, FSGroup int

	// User is recorded as the creator of sandboxes started here (default:
	// the OS user).
	User string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// OptionsFromEnv reads the runtime API URL and key from OpenHands'
// environment variable names; getenv is usually os.Getenv.
func OptionsFromEnv(getenv func(string) string) Options {
	return Options{URL: strings.TrimSpace(getenv(EnvURL)), APIKey: backend.NewSecret(strings.TrimSpace(getenv(EnvAPIKey)))}
}

func (o *Options) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	defInt := func(p *int, v int) {
		if *p <= 0 {
			*p = v
		}
	}
	if o.Name == "" {
		o.Name = DefaultName
	}
	def(&o.PollInterval, DefaultPollInterval)
	def(&o.MaxBackoff, 30*time.Second)
	def(&o.RequestTimeout, DefaultRequestTimeout)
	def(&o.StartTimeout, DefaultStartTimeout)
	def(&o.RetryBase, 100*time.Millisecond)
	def(&o.MaxRetryAfter, 30*time.Second)
	def(&o.GoneRecheck, DefaultGoneRecheck)
	def(&o.WaitPoll, time.Second)
	defInt(&o.Attempts, 3)
	defInt(&o.BatchSize, DefaultBatchSize)
	defInt(&o.FallbackConcurrency, 8)
	defInt(&o.ResourceFactor, 1)
	defInt(&o.RunAsUser, DefaultUID)
	defInt(&o.RunAsGroup, DefaultUID)
	defInt(&o.FSGroup, DefaultUID)
	if o.Image == "" {
		o.Image = DefaultImage
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.HTTPClient == nil {
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = max(o.FallbackConcurrency, 8)
		o.HTTPClient = &http.Client{Transport: t}
	}
	c := *o.HTTPClient
	c.CheckRedirect = sameOriginRedirects(c.CheckRedirect)
	o.HTTPClient = &c
}

// errRedirectRefused marks a redirect to another origin that was not
// followed: the API's own answer, not worth another attempt.
var errRedirectRefused = errors.New("not following a redirect")

// sameOriginRedirects refuses redirects to another host or from https to
// http: Go forwards custom headers on redirect, and X-API-Key or
// X-Session-API-Key must not follow a redirect anywhere else.
func sameOriginRedirects(next func(*http.Request, []*http.Request) error) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if !strings.EqualFold(req.URL.Host, first.Host) || (first.Scheme == "https" && req.URL.Scheme != "https") {
			return fmt.Errorf("%w from %s to %s: the API key would go along", errRedirectRefused, first.Redacted(), req.URL.Redacted())
		}
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if next != nil {
			return next(req, via)
		}
		return nil
	}
}

// validate checks what New cannot default.
func (o *Options) validate() error {
	if _, err := checkAPIURL(o.URL, o.Insecure); err != nil {
		return err
	}
	if o.APIKey.IsZero() {
		return fmt.Errorf("runtime API %s: no API key (set %s or the remote api key option)", o.URL, EnvAPIKey)
	}
	if err := validResourceFactor(o.ResourceFactor); err != nil {
		return err
	}
	_, err := runtimeClass(o.RuntimeClass)
	return err
}

// checkAPIURL parses the API URL and applies the clear-text rule: plain
// http is fine to a loopback address (a simulator, an SSH tunnel), never
// to anything else unless insecure is set.
func checkAPIURL(raw string, insecure bool) (*url.URL, error) {
	if raw == "" {
		return nil, fmt.Errorf("no runtime API URL (set %s or the remote url option)", EnvURL)
	}
	u, err := url.Parse(raw)
	if err != nil {
		// url.Error quotes the whole URL, password included: keep only
		// its reason, and show the URL masked, once.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("runtime API URL %q: %w", backend.MaskURL(raw), err)
	}
	if u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, fmt.Errorf("runtime API URL %q: want http(s)://host[:port][/path]", backend.MaskURL(raw))
	}
	if u.Scheme == "http" && !insecure && !isLoopback(u.Hostname()) {
		return nil, fmt.Errorf("%w: %s would carry the X-API-Key in clear text across the network; use https, or set the insecure option if the network is trusted", ErrInsecureURL, u.Redacted())
	}
	return u, nil
}

func isLoopback(host string) bool {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if h == "localhost" || strings.HasSuffix(h, ".localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

// normalizeAPIURL gives the key the store files sandboxes under, so that
// "HTTPS://Host/" and "https://host" are one API.
func normalizeAPIURL(u *url.URL) string {
	return strings.ToLower(u.Scheme) + "://" + strings.ToLower(u.Host) + strings.TrimRight(u.EscapedPath(), "/")
}

func validResourceFactor(f int) error {
	if !slices.Contains([]int{1, 2, 4, 8}, f) {
		return fmt.Errorf("resource factor %d: must be 1, 2, 4 or 8", f)
	}
	return nil
}

// runtimeClass maps the user's word to the API's runtime_class value:
// sysbox is sent as "sysbox-runc", gvisor (the default) is sent as nothing.
func runtimeClass(c string) (string, error) {
	switch strings.ToLower(c) {
	case "", "gvisor":
		return "", nil
	case "sysbox", "sysbox-runc":
		return "sysbox-runc", nil
	}
	return "", fmt.Errorf("runtime class %q: must be sysbox or gvisor", c)
}

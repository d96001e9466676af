package runtimeapi

import (
	"net/http"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// Routing chooses the shape of runtime URLs.
type Routing int

const (
	// PathRouting gives runtimes URLs like http://host:port/<runtime_id>.
	PathRouting Routing = iota
	// SubdomainRouting gives runtimes URLs like http://<runtime_id>.host:port;
	// clients must send those requests to the simulator's address.
	SubdomainRouting
)

// RuntimeHandlerFunc builds what serves one runtime's URL. The handler sees
// paths with the runtime prefix removed ("/alive", "/api/..."). It is
// built when the runtime's URL is first requested.
type RuntimeHandlerFunc func(runtimeID string, sessionKey backend.Secret) http.Handler

// Behavior is how one runtime misbehaves; Config.OnStart picks it per
// start request.
type Behavior struct {
	// NeverReady keeps the pod "running" but never "ready".
	NeverReady bool
	// CrashLoop puts the pod in crashloopbackoff with restarts counted.
	CrashLoop bool
}

// Config sets up a Sim. The zero value is a working, instantaneous,
// unauthenticated simulator with path routing.
type Config struct {
	// APIKey is the X-API-Key every API route requires (none when empty).
	APIKey string
	// Now is the simulator's clock (default time.Now). Lifecycle state is
	// computed from it on every request, so a manual clock makes delays
	// deterministic.
	Now func() time.Time
	// PendingFor is how long a started or resumed pod stays "pending".
	PendingFor time.Duration
	// ReadyAfter is how long a pod is "running" before it is "ready".
	ReadyAfter time.Duration
	// ListStoppedFor is how long a stopped runtime still appears in /list
	// (0: it drops out at once).
	ListStoppedFor time.Duration
	// ForgetStoppedAfter is when a stopped runtime is forgotten entirely:
	// /sessions answers 404 for it from then on (0: never forgotten).
	ForgetStoppedAfter time.Duration
	Routing            Routing
	// PublicURL is the base of runtime URLs ("http://127.0.0.1:8080");
	// default: the scheme and Host of the request being answered.
	PublicURL string
	// Runtime serves each runtime's URL; default: a minimal agent-server
	// (/alive, /health, /server_info, 401 on /api without the key).
	Runtime RuntimeHandlerFunc
	// OnStart chooses a new runtime's behaviour from its start request.
	OnStart func(StartRequest) Behavior
	// RotateKeyOnResume gives a resumed runtime a new session key, as the
	// hosted API does; its URL handler is rebuilt with the new key.
	RotateKeyOnResume bool
	// UptimeField adds uptime_seconds to every runtime's JSON. It changes
	// with the clock, so every answer differs from the last: the worst case
	// for a client that skips unchanged runtimes.
	UptimeField bool
	// RegistryPrefix is what /registry_prefix returns.
	RegistryPrefix string
	// Seed makes ids, keys and fault decisions reproducible (0: random).
	Seed uint64
}

// Realistic returns a Config with the delays of a small hosted cluster:
// a few seconds pending and starting, stopped runtimes listed for a minute.
func Realistic() Config {
	return Config{
		PendingFor:         2 * time.Second,
		ReadyAfter:         3 * time.Second,
		ListStoppedFor:     time.Minute,
		ForgetStoppedAfter: 30 * time.Minute,
	}
}

// Faults are injected into API requests (never into runtime URLs). Rates
// are probabilities from 0 to 1, drawn per request.
type Faults struct {
	// Latency is added to every API request.
	Latency time.Duration
	// ErrorRate answers with ErrorStatus (default 500) instead.
	ErrorRate   float64
	ErrorStatus int
	// HangRate makes a request hang: for HangFor, or until the client gives
	// up when HangFor is 0.
	HangRate float64
	HangFor  time.Duration
	// MalformedRate answers 200 with a truncated JSON body.
	MalformedRate float64
	// ResetRate resets the connection (TCP RST) instead of answering.
	ResetRate float64
	// ShortBodyRate announces the whole answer's Content-Length, sends
	// half of it and closes the connection, as a proxy that gave up does.
	ShortBodyRate float64
	// Routes limits the faults to these routes (Route* constants); all API
	// routes when empty.
	Routes []string
}

// Route names, as counted by Count.
const (
	RouteStart          = "POST /start"
	RouteStop           = "POST /stop"
	RoutePause          = "POST /pause"
	RouteResume         = "POST /resume"
	RouteSession        = "GET /sessions/{id}"
	RouteBatch          = "GET /sessions/batch"
	RouteRuntime        = "GET /runtime/{id}"
	RouteList           = "GET /list"
	RouteRegistryPrefix = "GET /registry_prefix"
	RouteImageExists    = "GET /image_exists"
	RouteHealth         = "GET /health"
	// RouteRuntimeURL counts requests to runtimes' own URLs.
	RouteRuntimeURL = "runtime URL"
	// RouteOther counts requests that matched no route.
	RouteOther = "other"
)

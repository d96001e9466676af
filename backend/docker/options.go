package docker

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// Default values of Options; each applies when the field is left zero.
const (
	DefaultName           = "docker"
	DefaultV1Prefix       = "oh-agent-server-"
	DefaultV0Prefix       = "openhands-runtime-"
	DefaultURLPattern     = "http://localhost:{port}"
	DefaultBindAddress    = "127.0.0.1"
	DefaultHealthTimeout  = 2 * time.Second
	DefaultHealthParallel = 8
	DefaultHealthyReprobe = 5 * time.Minute
	DefaultDebounce       = 250 * time.Millisecond
	DefaultSafetyRelist   = 60 * time.Second
	MinSafetyRelist       = 30 * time.Second
	DefaultStartupGrace   = 15 * time.Second
	DefaultStopTimeout    = 10 * time.Second
	DefaultImage          = "ghcr.io/openhands/agent-server:1.43.1-python"
	// DefaultWorkingDir is where OpenHands' presets put the workspace.
	DefaultWorkingDir = "/workspace/project"
)

// Prefix maps a container-name prefix to the kind of sandbox it marks.
type Prefix struct {
	Prefix string
	Flavor backend.Flavor
}

// DefaultPrefixes are OpenHands' own: V1 agent-server sandboxes and V0
// nested runtimes.
func DefaultPrefixes() []Prefix {
	return []Prefix{
		{Prefix: DefaultV1Prefix, Flavor: backend.FlavorAgentServer},
		{Prefix: DefaultV0Prefix, Flavor: backend.FlavorNestedV0},
	}
}

// ExposedPort is a service port inside a sandbox and the exposed-URL name it
// is published under.
type ExposedPort struct {
	Name string
	Port int
}

// DefaultExposedPorts are the ports OpenHands' Docker sandbox service
// publishes for every sandbox it starts.
func DefaultExposedPorts() []ExposedPort {
	return []ExposedPort{
		{Name: backend.URLAgentServer, Port: 8000},
		{Name: backend.URLVSCode, Port: 8001},
		{Name: backend.URLWorker1, Port: 8011},
		{Name: backend.URLWorker2, Port: 8012},
	}
}

// knownPorts names the container ports a V1 sandbox can expose, SSH
// included (newer OpenHands versions add it).
var knownPorts = map[int]string{
	8000: backend.URLAgentServer,
	8001: backend.URLVSCode,
	8011: backend.URLWorker1,
	8012: backend.URLWorker2,
	2222: backend.URLSSH,
}

// Spec is a sandbox spec: what Start runs when the request leaves a field
// zero (OpenHands' SandboxSpecInfo plus the ports it publishes).
type Spec struct {
	// Image is the agent-server image; it doubles as the spec id.
	Image   string
	Command []string
	// Env is the initial environment (initial_env).
	Env        map[string]string
	WorkingDir string
	Ports      []ExposedPort
}

// DefaultSpec is OpenHands' default Docker sandbox spec (PROTOCOL.md §4.2).
func DefaultSpec() Spec {
	return Spec{
		Image:   DefaultImage,
		Command: []string{"--port", "8000"},
		Env: map[string]string{
			"OPENVSCODE_SERVER_ROOT": "/openhands/.openvscode-server",
			"OH_ENABLE_VNC":          "0",
			"LOG_JSON":               "true",
			"OH_CONVERSATIONS_PATH":  "/workspace/conversations",
			"OH_BASH_EVENTS_DIR":     "/workspace/bash_events",
			"PYTHONUNBUFFERED":       "1",
		},
		WorkingDir: DefaultWorkingDir,
		Ports:      DefaultExposedPorts(),
	}
}

// Options configure a Docker backend. Every zero field takes the default
// named in its comment.
type Options struct {
	// Name identifies the source in rows and the CLI. Default "docker".
	Name string
	// Host is the engine address, overriding DOCKER_HOST and every
	// context: unix:///path, /path, tcp://h:p, h:p,
	// ssh://[user@]host[:port][/socket]. Default: resolved like
	// the docker CLI (see ResolveEndpoint).
	Host string
	// Context names a docker context to use (like --context). Default:
	// DOCKER_CONTEXT, then currentContext in the docker config.
	Context string
	// Prefixes select the containers that are sandboxes. Default
	// DefaultPrefixes(); Start names new sandboxes with the first V1 one.
	Prefixes []Prefix
	// URLPattern builds service URLs from a host port; "{port}" is
	// replaced. Default "http://localhost:{port}".
	URLPattern string
	// JWTSecret, when set, derives the session keys of V0 sandboxes.
	JWTSecret backend.Secret
	// HealthTimeout bounds one /health probe. Default 2 s.
	HealthTimeout time.Duration
	// HealthParallel bounds concurrent probes and inspects. Default 8.
	HealthParallel int
	// HealthyReprobe is how often a healthy sandbox is probed again while
	// nothing happens to it. Default 5 min.
	HealthyReprobe time.Duration
	// Debounce coalesces engine events into one re-list. Default 250 ms.
	Debounce time.Duration
	// SafetyRelist is the slow re-list that catches drift. Default 60 s,
	// never below 30 s.
	SafetyRelist time.Duration
	// StartupGrace is how long after a container starts a failing health
	// probe reads STARTING rather than ERROR. Default 15 s.
	StartupGrace time.Duration
	// StopTimeout is the grace period Delete gives a container. Default 10 s.
	StopTimeout time.Duration
	// BindAddress is the host address Start publishes ports on. Default
	// 127.0.0.1.
	BindAddress string
	// Spec fills in what a StartRequest leaves zero. Default DefaultSpec().
	Spec Spec
	// NoPull stops Start from pulling a missing image (default: pull, as
	// OpenHands does).
	NoPull bool
	// Labels are added to every container Start creates.
	Labels map[string]string
	// Logs configures the log pipeline of every Logs stream (ring caps,
	// flush interval, colour). Default: logbuf's defaults.
	Logs logbuf.Options
	// Dialers connect to endpoints the HTTP client cannot reach by itself,
	// keyed by URL scheme ("ssh"). Default: ssh:// hosts use package
	// sshdial (~/.ssh/config, the ssh-agent, known_hosts), one SSH
	// connection per backend, closed by Close.
	Dialers map[string]Dialer
	// Getenv reads the environment; tests replace it. Default os.Getenv.
	Getenv func(string) string
}

// withDefaults returns o with every zero field set to its default.
func (o Options) withDefaults() Options {
	if o.Name == "" {
		o.Name = DefaultName
	}
	if len(o.Prefixes) == 0 {
		o.Prefixes = DefaultPrefixes()
	}
	if o.URLPattern == "" {
		o.URLPattern = DefaultURLPattern
	}
	if o.HealthTimeout <= 0 {
		o.HealthTimeout = DefaultHealthTimeout
	}
	if o.HealthParallel <= 0 {
		o.HealthParallel = DefaultHealthParallel
	}
	if o.HealthyReprobe <= 0 {
		o.HealthyReprobe = DefaultHealthyReprobe
	}
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.SafetyRelist <= 0 {
		o.SafetyRelist = DefaultSafetyRelist
	}
	if o.SafetyRelist < MinSafetyRelist {
		o.SafetyRelist = MinSafetyRelist
	}
	if o.StartupGrace <= 0 {
		o.StartupGrace = DefaultStartupGrace
	}
	if o.StopTimeout <= 0 {
		o.StopTimeout = DefaultStopTimeout
	}
	if o.BindAddress == "" {
		o.BindAddress = DefaultBindAddress
	}
	def := DefaultSpec()
	if o.Spec.Image == "" {
		o.Spec.Image = def.Image
	}
	if o.Spec.Command == nil {
		o.Spec.Command = def.Command
	}
	if o.Spec.Env == nil {
		o.Spec.Env = def.Env
	}
	if o.Spec.WorkingDir == "" {
		o.Spec.WorkingDir = def.WorkingDir
	}
	if o.Spec.Ports == nil {
		o.Spec.Ports = def.Ports
	}
	return o
}

// validate rejects options that cannot work, with a reason.
func (o Options) validate() error {
	if !strings.Contains(o.URLPattern, "{port}") {
		return fmt.Errorf("url pattern %q has no {port} placeholder", o.URLPattern)
	}
	for _, p := range o.Prefixes {
		if p.Prefix == "" {
			return errors.New("empty container-name prefix")
		}
		if p.Flavor != backend.FlavorAgentServer && p.Flavor != backend.FlavorNestedV0 {
			return fmt.Errorf("prefix %q: unknown flavor %q", p.Prefix, p.Flavor)
		}
	}
	return nil
}

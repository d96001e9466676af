package backend

import (
	"log/slog"
	"strings"
	"time"
)

// Standard exposed-URL names (OpenHands ExposedUrl.name).
const (
	URLAgentServer = "AGENT_SERVER"
	URLVSCode      = "VSCODE"
	URLWorker1     = "WORKER_1"
	URLWorker2     = "WORKER_2"
	URLSSH         = "SSH"
)

// Flavor says which kind of OpenHands sandbox a row is, because the
// conversation API behind it differs.
type Flavor string

// Sandbox flavors.
const (
	// FlavorAgentServer is a V1 sandbox: one agent-server hosting many
	// conversations (oh-agent-server-* containers, remote runtimes).
	FlavorAgentServer Flavor = "v1"
	// FlavorNestedV0 is a V0 nested runtime: a full OpenHands server for one
	// conversation (openhands-runtime-<conversation id> containers).
	FlavorNestedV0 Flavor = "v0"
)

// ExposedURL is one service a sandbox exposes. URL may carry a credential
// (the VSCode tkn= parameter); use Display to show it.
type ExposedURL struct {
	Name string
	URL  string
	// Port is the service's port inside the sandbox, when known.
	Port int
}

// Display returns the URL with credentials masked unless reveal is set.
func (u ExposedURL) Display(reveal bool) string {
	if reveal {
		return u.URL
	}
	return MaskURL(u.URL)
}

// LogValue keeps the tkn= parameter out of logs.
func (u ExposedURL) LogValue() slog.Value {
	return slog.GroupValue(slog.String("name", u.Name), slog.String("url", MaskURL(u.URL)))
}

// EnvVar is one environment variable of a sandbox. Sensitive values are
// masked by Display unless revealed.
type EnvVar struct {
	Name      string
	Value     string
	Sensitive bool
}

// Display returns the value, masked unless revealed: all of it when
// sensitive, otherwise the credentials MaskText finds in it (a URL with a
// password, a token, a known session key).
func (e EnvVar) Display(reveal bool) string {
	if reveal {
		return e.Value
	}
	return MaskEnv(e.Value, e.Sensitive)
}

// LogValue masks sensitive values in logs.
func (e EnvVar) LogValue() slog.Value { return slog.StringValue(e.Name + "=" + e.Display(false)) }

// PortBinding maps a port inside the sandbox to where it can be reached.
type PortBinding struct {
	ContainerPort int
	Protocol      string
	HostIP        string
	HostPort      int
}

// HealthState is the outcome of the last agent-server health probe.
type HealthState int

// Health states.
const (
	// HealthUnknown: not probed yet (the list appears before health does).
	HealthUnknown HealthState = iota
	// HealthNone: nothing to probe (no agent URL, or not running).
	HealthNone
	// HealthOK: /health answered "OK" or {"status":"ok"}.
	HealthOK
	// HealthFailing: the probe failed or answered something else.
	HealthFailing
)

// String names the state for tables and JSON.
func (h HealthState) String() string {
	switch h {
	case HealthNone:
		return "n/a"
	case HealthOK:
		return "ok"
	case HealthFailing:
		return "failing"
	default:
		return "unknown"
	}
}

// Health is the last health probe of a sandbox's agent-server.
type Health struct {
	State   HealthState
	Checked time.Time
	Latency time.Duration
	// Detail says why a probe failed ("connection refused", "HTTP 503").
	Detail string
}

// Sandbox is one OpenHands sandbox as ohdash sees it, whatever backend it
// came from. Values are immutable snapshots: backends build a new one on
// every change, so the UI can hold them without locks.
type Sandbox struct {
	// ID is OpenHands' SandboxInfo.id: the full container name for Docker
	// sandboxes, the runtime session id for remote ones.
	ID string
	// Prefix is the start of ID every sandbox of its kind shares (Docker:
	// the configured container-name prefix, "oh-agent-server-"); empty
	// when there is none. ShortID is ID without it.
	Prefix string
	// Source names the backend the sandbox came from ("docker", "remote:eval").
	Source string
	// Instance identifies this incarnation of the sandbox (Docker: the
	// container id). A sandbox removed and recreated under the same ID has
	// a new Instance, which is how a log stream knows to reopen. Empty when
	// the backend cannot tell.
	Instance string
	Flavor   Flavor
	Status   Status
	// RawState is the backend's own word for the state (Docker "exited",
	// runtime "running/ready"), kept for the details view.
	RawState string
	// StatusDetail explains a status that is not self-evident ("not ready
	// after 2m0s", "exit code 137", "within start-up grace").
	StatusDetail string
	SpecID       string
	Image        string
	CreatedAt    time.Time
	StartedAt    time.Time
	ExposedURLs  []ExposedURL
	// SessionAPIKey authenticates to the sandbox's agent-server.
	SessionAPIKey Secret
	Health        Health
	WorkingDir    string
	// TTY reports whether the container was created with a terminal, which
	// decides whether its log stream is multiplexed.
	TTY            bool
	Labels         map[string]string
	Env            []EnvVar
	Ports          []PortBinding
	RestartCount   int
	RestartReasons []string
	// ConversationID is set for V0 nested sandboxes, whose container is
	// named after the one conversation it runs.
	ConversationID string
	// Details are extra backend-specific facts for the inspect pane, in
	// display order.
	Details []Field
}

// Field is one labelled fact in the details pane.
type Field struct {
	Name, Value string
}

// URL returns the exposed URL with the given name, if any.
func (s Sandbox) URL(name string) (ExposedURL, bool) {
	for _, u := range s.ExposedURLs {
		if u.Name == name {
			return u, true
		}
	}
	return ExposedURL{}, false
}

// AgentURL is the base URL of the sandbox's agent-server, or "".
func (s Sandbox) AgentURL() string {
	u, _ := s.URL(URLAgentServer)
	return u.URL
}

// Key identifies a sandbox across sources.
func (s Sandbox) Key() string { return s.Source + "/" + s.ID }

// ShortID is the distinctive part of the id: ID without its Prefix.
func (s Sandbox) ShortID() string { return strings.TrimPrefix(s.ID, s.Prefix) }

// Package config is ohdash's configuration: one TOML file in the XDG config
// directory, OHDASH_* environment variables and command-line flags, applied
// in that order, so a flag beats the environment and the environment beats
// the file. It validates everything up front (unknown keys in the file are
// errors with their line), resolves secrets from files or variables, and
// prints the effective configuration with every secret masked.
package config

import (
	"time"

	"github.com/ohdash/ohdash/ui/logs"
	"github.com/ohdash/ohdash/ui/textview"
)

// Config is the effective configuration. The zero value is not useful:
// start from Default.
type Config struct {
	// ReadOnly disables every action that changes a sandbox or conversation.
	ReadOnly bool `toml:"readonly"`
	// Backend names the backend that commands act on by default ("": every
	// backend for listings; start needs one when there are several).
	Backend string `toml:"backend"`
	// Theme is auto (follow the terminal's background), dark or light.
	Theme string `toml:"theme"`
	// Mouse starts the dashboard with mouse capture on.
	Mouse bool `toml:"mouse"`
	// LowBandwidth lowers the frame rate and the clock refresh for slow
	// SSH links.
	LowBandwidth bool `toml:"low_bandwidth"`
	// Image is what "start" and the dashboard's create action start (""
	// takes the backend's default agent-server image).
	Image string `toml:"image"`
	// ActionTimeout bounds one lifecycle action.
	ActionTimeout Duration `toml:"action_timeout"`
	// LogFile receives structured debug logs ("" for none).
	LogFile string `toml:"log_file"`
	// LogLevel is debug, info, warn or error.
	LogLevel string `toml:"log_level"`
	// AuditLog is the file every action is recorded in; "off" disables it.
	AuditLog string `toml:"audit_log"`
	// StateFile is where remote backends remember the sandboxes they saw.
	StateFile string `toml:"state_file"`
	// StatsInterval is how often the dashboard samples the resource use
	// of the sandboxes on screen; 0 ("off") never.
	StatsInterval Interval `toml:"stats_interval"`

	Logs    LogsConfig    `toml:"logs"`
	Refresh RefreshConfig `toml:"refresh"`
	// Docker and Remote are the backends. Without any in the file, ohdash
	// uses the local Docker engine (DOCKER_HOST, DOCKER_CONTEXT) and, when
	// OpenHands' SANDBOX_REMOTE_RUNTIME_API_URL is set, that runtime API.
	Docker []DockerConfig `toml:"docker"`
	Remote []RemoteConfig `toml:"remote"`
	// OpenHands are app-servers (OpenHands Cloud, self-hosted OpenHands);
	// without any in the file, OPENHANDS_CLOUD_API_KEY or OPENHANDS_API_KEY
	// adds one (OPENHANDS_CLOUD_URL, default the Cloud).
	OpenHands []OpenHandsConfig `toml:"openhands"`
	// Keys remaps dashboard actions: action name → keys (empty: unbound).
	Keys map[string]KeyList `toml:"keys"`
	// Budget limits what the agents may spend before ohdash raises an
	// alert (and, when asked, pauses running conversations).
	Budget BudgetConfig `toml:"budget"`
	// Alerts is the [alerts] table: bell, desktop notifications, a hook.
	Alerts AlertsConfig `toml:"alerts"`
	// Shell is the shell that e and `ohdash exec` start inside a sandbox
	// ("": bash when the sandbox has it, else sh).
	Shell string `toml:"shell"`

	// Meta says where values came from; filled by Load.
	Meta Meta `toml:"-"`
}

// LogsConfig sizes container log buffers.
type LogsConfig struct {
	// Tail is how many lines of history a log stream starts with in the
	// dashboard (negative: all).
	Tail int `toml:"tail"`
	// MaxLines and MaxBytes cap what a log pane holds; the oldest lines go
	// first, and the pane shows how many were dropped.
	MaxLines int      `toml:"max_lines"`
	MaxBytes ByteSize `toml:"max_bytes"`
}

// RefreshConfig tunes how often ohdash looks at its backends.
type RefreshConfig struct {
	// RemotePoll is the runtime API polling interval.
	RemotePoll Duration `toml:"remote_poll"`
	// DockerDebounce coalesces Docker engine events into one re-list.
	DockerDebounce Duration `toml:"docker_debounce"`
	// DockerSafetyRelist is the slow re-list that catches drift (≥ 30 s).
	DockerSafetyRelist Duration `toml:"docker_safety_relist"`
	// HealthReprobe is how often a healthy sandbox's agent-server is probed
	// again while nothing happens to it.
	HealthReprobe Duration `toml:"health_reprobe"`
}

// DockerConfig is one Docker engine backend.
type DockerConfig struct {
	// Name identifies the backend in rows and with --backend.
	Name string `toml:"name" json:"name,omitempty"`
	// Host is the engine address: unix:///path, tcp://host:port,
	// ssh://user@host. Empty: DOCKER_HOST, then the docker context.
	Host string `toml:"host" json:"host,omitempty"`
	// Context names a docker context (overrides DOCKER_CONTEXT).
	Context string `toml:"context" json:"context,omitempty"`
	// V1Prefixes and V0Prefixes select the containers that are sandboxes
	// (defaults: OpenHands' oh-agent-server- and openhands-runtime-).
	V1Prefixes []string `toml:"v1_prefixes" json:"v1_prefixes,omitempty"`
	V0Prefixes []string `toml:"v0_prefixes" json:"v0_prefixes,omitempty"`
	// URLPattern builds service URLs from a published port ("{port}").
	URLPattern string `toml:"url_pattern" json:"url_pattern,omitempty"`
	// JWTSecret derives the session keys of V0 sandboxes; prefer
	// JWTSecretFile or JWTSecretEnv to keep it out of the file.
	JWTSecret     Secret `toml:"jwt_secret" json:"jwt_secret,omitzero"`
	JWTSecretFile string `toml:"jwt_secret_file" json:"jwt_secret_file,omitempty"`
	JWTSecretEnv  string `toml:"jwt_secret_env" json:"jwt_secret_env,omitempty"`
}

// RemoteConfig is one OpenHands runtime API backend.
type RemoteConfig struct {
	Name string `toml:"name" json:"name,omitempty"`
	URL  string `toml:"url" json:"url,omitempty"`
	// APIKey is the X-API-Key; prefer APIKeyFile or APIKeyEnv.
	APIKey     Secret `toml:"api_key" json:"api_key,omitzero"`
	APIKeyFile string `toml:"api_key_file" json:"api_key_file,omitempty"`
	APIKeyEnv  string `toml:"api_key_env" json:"api_key_env,omitempty"`
	// Insecure allows plain http to a non-loopback host.
	Insecure bool `toml:"insecure" json:"insecure,omitempty"`
	// Image, ResourceFactor and RuntimeClass are what start asks for.
	Image          string `toml:"image" json:"image,omitempty"`
	ResourceFactor int    `toml:"resource_factor" json:"resource_factor,omitempty"`
	RuntimeClass   string `toml:"runtime_class" json:"runtime_class,omitempty"`
}

// Default returns the built-in configuration.
func Default() Config {
	return Config{
		Theme:         "auto",
		ActionTimeout: Duration(2 * time.Minute),
		LogLevel:      "info",
		StatsInterval: Interval(2 * time.Second),
		Logs: LogsConfig{
			Tail:     logs.DefaultTail,
			MaxLines: textview.DefaultMaxLines,
			MaxBytes: ByteSize(textview.DefaultMaxBytes),
		},
		Refresh: RefreshConfig{
			RemotePoll:         Duration(5 * time.Second),
			DockerDebounce:     Duration(250 * time.Millisecond),
			DockerSafetyRelist: Duration(60 * time.Second),
			HealthReprobe:      Duration(5 * time.Minute),
		},
		Alerts: defaultAlerts(),
	}
}

// AuditDisabled reports whether the audit log is switched off.
func (c *Config) AuditDisabled() bool { return c.AuditLog == "off" }

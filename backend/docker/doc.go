// Package docker is ohdash's Docker engine backend: it does what OpenHands'
// Docker sandbox service does, without the app-server.
//
// Sandboxes are the containers whose names start with a sandbox prefix
// (oh-agent-server- for V1 agent-server sandboxes, openhands-runtime- for
// V0 nested runtimes), stopped ones included; a sandbox's id is its full
// container name. Docker states map to OpenHands' SandboxStatus as upstream
// maps them (an exited container is PAUSED: resume starts it again), and a
// running sandbox whose agent-server fails its /health probe is ERROR, or
// STARTING within the start-up grace period. Exposed URLs come from the
// published ports (V1) or the port= environment variable (V0); the session
// key from OH_SESSION_API_KEYS_0 / SESSION_API_KEY, or for V0 derived from
// the JWT secret.
//
// Watch is built to be cheap while nothing happens: one container list, one
// inspect per container (repeated only when its state changes), one event
// subscription debounced into re-lists, a slow safety re-list, and health
// probes on first sight, on state changes, for unhealthy sandboxes with
// backoff, and slowly for healthy ones. A lost engine is shown as
// reconnecting and retried with backoff, forever.
//
// The engine is found like the docker CLI finds it (ResolveEndpoint):
// explicit host, explicit context, DOCKER_HOST, DOCKER_CONTEXT, the current
// context of the CLI config, then the standard socket; TLS from
// DOCKER_TLS_VERIFY/DOCKER_CERT_PATH or the context's TLS material. An
// ssh://[user@]host[:port][/socket] engine (from any of those) is reached
// through package sshdial unless Options.Dialers plugs another dialer in:
// one SSH connection per backend, honouring ~/.ssh/config, the ssh-agent
// and known_hosts.
//
// Resource use (Stats, stats.go) is read from the containers' cgroup files
// when the engine is on this host and they are readable (no work for the
// engine), else from one-shot stats API calls, ssh:// hosts included.
package docker

// Package openhands is ohdash's backend for OpenHands deployments reached
// through their app-server: OpenHands Cloud and self-hosted OpenHands. It
// lists and controls sandboxes through the app-server's V1 REST API
// (/api/v1/sandboxes, /api/v1/sandbox-specs) whatever sandbox service runs
// behind it (Docker, Podman, process, remote), lists app conversations
// with their titles, repositories, models and metrics
// (/api/v1/app-conversations) and starts new ones, following their start
// task. Events, messages and conversation actions go, as for every other
// sandbox, to the agent-server behind the sandbox (its AGENT_SERVER URL and
// session key), through package convroute.
//
// Every call carries the API key both as "Authorization: Bearer" (what
// OpenHands Cloud reads first) and as X-Session-API-Key (what a
// self-hosted app-server started with SESSION_API_KEY checks; see
// openhands/app_server/utils/dependencies.py). The key is a backend.Secret
// and never appears in output, errors or logs.
//
// A quiet refresh costs one request per 100 sandboxes
// (GET /sandboxes/search, all pages) plus one GET /app-conversations/search
// bounded by updated_at__gte (only what changed since the last refresh);
// every FullEvery-th conversation refresh lists everything again, which is
// how deleted conversations disappear.
//
// Resource use: the app-server's SandboxInfo carries none, so the backend
// is no StatsReader ("n/a" in the dashboard and `ohdash top`).
package openhands

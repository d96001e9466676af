// Package remote is ohdash's backend for sandboxes behind the OpenHands
// remote runtime API (SANDBOX_REMOTE_RUNTIME_API_URL): the Kubernetes-backed
// service that keeps hundreds or thousands of runtimes alive for eval runs.
//
// A refresh costs a constant number of API calls however many sandboxes
// there are: one GET /list for what is alive, plus GET /sessions/batch for
// the known sandboxes missing from it. Sandboxes already confirmed gone are
// re-checked at a slower cadence, one batch per refresh at most, so with
// nothing changing a refresh makes at most two calls. (OpenHands' own remote
// sandbox service makes one request per sandbox.) Servers without the batch
// route are detected once and served by bounded-concurrency
// GET /sessions/{id}.
//
// The runtime API forgets stopped runtimes, so the backend records every
// sandbox it starts or sees in a store (package store) and keeps showing
// them, with their last known status, after the API has dropped them.
//
// Resource use: the runtime API reports none (resource_factor is what
// /start asked for, not what is used), so the backend is no StatsReader
// and the dashboard and `ohdash top` show "n/a" for its sandboxes.
package remote

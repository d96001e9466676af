// Package runtimeapi simulates the OpenHands remote runtime API (the closed
// service behind SANDBOX_REMOTE_RUNTIME_API_URL) well enough to test and
// demo ohdash against hundreds or thousands of runtimes on one machine.
//
// A Sim is an http.Handler serving the API routes OpenHands' clients call
// (/start, /stop, /pause, /resume, /sessions/{id}, /sessions/batch,
// /runtime/{id}, /list, /registry_prefix, /image_exists) with X-API-Key
// auth, plus every runtime's own URL: path mode (http://host/<runtime_id>)
// or subdomain mode (http://<runtime_id>.<host>), routed by path or Host
// header. What answers at a runtime's URL is pluggable (Config.Runtime).
//
// Runtimes move through pending → running → ready on the Config's clock;
// the zero Config is instantaneous, Realistic() has second-scale delays.
// Faults (latency, 5xx, hangs, malformed JSON, 429, a missing batch route)
// and per-runtime misbehaviour (restarts, crash loops, never ready, a 503
// at the URL) are switched on with Go methods while the server runs, and
// every request is counted per route.
package runtimeapi

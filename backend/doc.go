// Package backend holds ohdash's domain model (sandboxes, conversations,
// events, connection state) and the small role interfaces that the UI and the
// command-line layer depend on. Concrete backends live in sub-packages
// (docker, remote, agentserver); the UI never imports them.
package backend

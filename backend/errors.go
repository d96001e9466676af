package backend

import "errors"

// Sentinel errors shared by every backend. Backends wrap them with %w so
// callers (the UI's status line, the CLI's exit codes) can tell cases apart
// with errors.Is, never by matching message text.
var (
	// ErrNotFound: the sandbox, conversation or event does not exist.
	ErrNotFound = errors.New("not found")
	// ErrInvalidID: the id is malformed or outside this backend's naming
	// rules (a container without a known sandbox prefix).
	ErrInvalidID = errors.New("invalid id")
	// ErrUnavailable: the backend cannot be reached right now.
	ErrUnavailable = errors.New("backend unreachable")
	// ErrConflict: the action does not fit the current state (pause a
	// stopped sandbox, run an already running conversation).
	ErrConflict = errors.New("conflict with current state")
	// ErrUnauthorized: a key was refused.
	ErrUnauthorized = errors.New("unauthorized")
	// ErrUnsupported: this backend or server version cannot do that.
	ErrUnsupported = errors.New("not supported")
	// ErrReadOnly: ohdash runs read-only and the action would change state.
	ErrReadOnly = errors.New("read-only mode")
	// ErrImageUnavailable: a new sandbox's image is not on the engine and
	// could not be fetched. It is not ErrNotFound: that one means "no such
	// sandbox or conversation", and the CLI's exit code 3 says so.
	ErrImageUnavailable = errors.New("image not available")
)

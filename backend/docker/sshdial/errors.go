package sshdial

import "errors"

// Host-key verdicts. Each also matches backend.ErrUnauthorized.
var (
	// ErrHostKeyUnknown: known_hosts has no key for the host.
	ErrHostKeyUnknown = errors.New("host key unknown")
	// ErrHostKeyChanged: known_hosts has other keys for the host than the
	// one the server offered.
	ErrHostKeyChanged = errors.New("host key changed")
	// ErrHostKeyRevoked: the server's key is marked @revoked.
	ErrHostKeyRevoked = errors.New("host key revoked")
)

// Error is why an SSH connection to an engine failed, in words a user can
// act on. errors.Is matches its kinds: backend.ErrUnavailable (network,
// server gone), backend.ErrUnauthorized (authentication or host key
// refused), backend.ErrUnsupported (a config the dialer cannot follow),
// and the host-key sentinels of this package.
type Error struct {
	// Login is the [user@]host[:port] that was dialed.
	Login string
	// Op is the step that failed: "config", "connect", "host key",
	// "authenticate" or "open socket".
	Op string
	// Via is the jump host the step failed on, as "alias (host:port)";
	// empty when it failed on the target itself.
	Via string
	// Msg says what happened and, when the user can fix it, how.
	Msg string
	// Cause is the underlying error, if any. It is in the message but
	// deliberately not in the Unwrap chain: the Docker client replaces
	// errors it recognises there (net.Error, fs.ErrNotExist) with a
	// generic "is the docker daemon running?" that names the tunnel's
	// placeholder host and loses this message. Reach it with errors.As.
	Cause error
	kinds []error
}

func newError(login, op string, cause error, msg string, kinds ...error) *Error {
	return &Error{Login: login, Op: op, Msg: msg, Cause: cause, kinds: kinds}
}

func (e *Error) Error() string {
	s := "ssh " + e.Login + ": " + e.Op
	if e.Via != "" {
		s += ": via jump host " + e.Via
	}
	if e.Msg != "" {
		s += ": " + e.Msg
	}
	if e.Cause != nil {
		s += " (" + e.Cause.Error() + ")"
	}
	return s
}

// Unwrap returns the kinds of the error (backend sentinels and host-key
// verdicts), for errors.Is.
func (e *Error) Unwrap() []error { return e.kinds }

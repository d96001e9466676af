package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"syscall"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

// sentinelFor classifies an engine error with moby's error definitions
// (never by its text) as one of backend's sentinels, or nil.
func sentinelFor(err error) error {
	switch {
	case err == nil, errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil
	case errors.As(err, new(*NotEngineError)):
		// Something else answers at the engine's address: for ohdash the
		// engine is not there. Checked first: such a server's 404 is not
		// "no such container".
		return backend.ErrUnavailable
	case errors.Is(err, backend.ErrUnauthorized):
		// Our own SSH dialer's refusals (login, host key) reach here
		// as a failed connection; what failed is trust, not the network.
		return backend.ErrUnauthorized
	case cerrdefs.IsNotFound(err):
		return backend.ErrNotFound
	case cerrdefs.IsConflict(err):
		return backend.ErrConflict
	case cerrdefs.IsUnauthorized(err), cerrdefs.IsPermissionDenied(err):
		return backend.ErrUnauthorized
	case cerrdefs.IsNotImplemented(err):
		return backend.ErrUnsupported
	case unreachable(err):
		return backend.ErrUnavailable
	}
	return nil
}

// unreachable reports whether err means the engine could not be reached or
// dropped the connection.
func unreachable(err error) bool {
	var ne net.Error
	return client.IsErrConnectionFailed(err) || cerrdefs.IsUnavailable(err) ||
		errors.As(err, &ne) || errors.Is(err, io.ErrUnexpectedEOF) ||
		errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) ||
		errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ENOENT)
}

// engineErr wraps an engine error with what was being done and, when it
// has one, the matching backend sentinel, so callers can use errors.Is
// with either the sentinel or moby's own error definitions.
func engineErr(op, id string, err error) error {
	what := op
	if id != "" {
		what += " " + id
	}
	s := sentinelFor(err)
	var de *dialError
	var ne *NotEngineError
	switch {
	case errors.As(err, &ne):
		// The request's URL and the client's "error during connect"
		// around it add nothing to what the server turned out to be.
		err = ne
	case errors.As(err, &de):
		// The HTTP request around a Dialer's error only repeats the
		// tunnel's placeholder URL; the dialer's own error says it all.
		err = de.err
	}
	if s != nil {
		return fmt.Errorf("%s: %w: %w", what, s, err)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// dialError marks an error from a Dialer (an SSH connection that failed),
// so engineErr can show it without the HTTP request it failed under.
type dialError struct{ err error }

func (e *dialError) Error() string { return e.err.Error() }
func (e *dialError) Unwrap() error { return e.err }

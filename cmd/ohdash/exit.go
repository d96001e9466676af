package main

import (
	"errors"
	"fmt"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
)

// Exit codes. They are part of the command-line contract: scripts branch
// on them, so they never change meaning.
const (
	exitOK          = 0
	exitFailed      = 1 // the operation failed (refused, conflict, server error, credentials refused)
	exitUsage       = 2 // bad command line or configuration
	exitNotFound    = 3 // no such sandbox or conversation
	exitUnreachable = 4 // a backend could not be reached
	exitPartial     = 5 // a listing printed what it got; some of it failed
	exitInterrupted = 130
)

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// errPartial marks a listing that printed rows although part of it
// failed (a backend, or a check within one): the output is real but not
// complete.
var errPartial = errors.New("partial listing")

// reportedError is an error the command has already printed (commands
// that act on several things report each failure as it happens): main
// turns it into the exit code without printing it again.
type reportedError struct{ err error }

func (e reportedError) Error() string { return e.err.Error() }
func (e reportedError) Unwrap() error { return e.err }

// reported marks err (nil stays nil) as printed already.
func reported(err error) error {
	if err == nil {
		return nil
	}
	return reportedError{err}
}

// errInterrupted is returned when a signal stopped a command that was not
// meant to run until interrupted.
var errInterrupted = errors.New("interrupted")

// exitCode maps an error to the exit code, by sentinel (errors.Is), never
// by message. Not-found and refusals outrank unreachable: when a backend
// answered, its answer is what counts.
func exitCode(err error) int {
	var ue usageError
	var ce commandExit
	switch {
	case err == nil:
		return exitOK
	case errors.As(err, &ce):
		return ce.code
	case errors.As(err, &ue), errors.Is(err, config.ErrConfig):
		return exitUsage
	case errors.Is(err, errInterrupted):
		return exitInterrupted
	case errors.Is(err, errPartial):
		return exitPartial
	case errors.Is(err, backend.ErrNotFound), errors.Is(err, backend.ErrInvalidID):
		return exitNotFound
	case errors.Is(err, backend.ErrUnauthorized):
		// A refused key or an untrusted SSH host key: the backend
		// answered, and retrying as for an unreachable one cannot help.
		return exitFailed
	case errors.Is(err, backend.ErrUnavailable):
		return exitUnreachable
	}
	return exitFailed
}

// commandExit is the exit code of a command run inside a sandbox (ohdash
// exec), passed through as ohdash's own: the command ran, so its code
// is the answer, and there is nothing to print.
type commandExit struct{ code int }

func (e commandExit) Error() string { return fmt.Sprintf("the command exited with code %d", e.code) }

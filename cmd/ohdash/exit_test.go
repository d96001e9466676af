package main

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/config"
)

// Exit codes follow the error's kind, whatever its message, and the
// backend's answer outranks "unreachable" when errors carry both (the
// Docker watch marks every failure unavailable).
func TestExitCodeByKind(t *testing.T) {
	unavailable := func(err error) error { return fmt.Errorf("%w: %w", backend.ErrUnavailable, err) }
	cases := []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, exitOK},
		{"usage", usagef("bad flag"), exitUsage},
		{"config", fmt.Errorf("line 2: %w", config.ErrConfig), exitUsage},
		{"interrupted", errInterrupted, exitInterrupted},
		{"not found", fmt.Errorf("sandbox x: %w", backend.ErrNotFound), exitNotFound},
		{"not found behind a dead backend", unavailable(backend.ErrNotFound), exitNotFound},
		{"refused key", fmt.Errorf("401: %w", backend.ErrUnauthorized), exitFailed},
		{"untrusted host key seen by the watch", unavailable(backend.ErrUnauthorized), exitFailed},
		{"unreachable", fmt.Errorf("dial: %w", backend.ErrUnavailable), exitUnreachable},
		{"partial listing", fmt.Errorf("%w: %w", errPartial, unavailable(errors.New("reset"))), exitPartial},
		{"missing image (not a missing sandbox)", fmt.Errorf("start: image x: %w: pulling failed", backend.ErrImageUnavailable), exitFailed},
		{"conflict", fmt.Errorf("already running: %w", backend.ErrConflict), exitFailed},
		{"other", context.DeadlineExceeded, exitFailed},
		{"plain", errors.New("boom"), exitFailed},
	}
	for _, c := range cases {
		if got := exitCode(c.err); got != c.want {
			t.Errorf("%s: exit %d, want %d", c.name, got, c.want)
		}
	}
}

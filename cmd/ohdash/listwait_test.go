package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/fake"
)

// shortDeadlineLister gives up on its own, shorter deadline (the Docker
// client's connect timeout does, 30 s before the listing's 45 s).
type shortDeadlineLister struct{ *fake.Backend }

func (shortDeadlineLister) List(context.Context) ([]backend.Sandbox, error) {
	return nil, fmt.Errorf("ping: %w", context.DeadlineExceeded)
}

// TestFaultListTimeoutSaysRealWait: a backend that gives up on its own
// deadline is reported as unreachable with the time actually waited, not
// the listing's 45 s (a silent DOCKER_HOST gave up after 30 s and said
// "no answer within 45s").
func TestFaultListTimeoutSaysRealWait(t *testing.T) {
	ls := listAll(context.Background(), []backend.Backend{shortDeadlineLister{fake.New("docker")}})
	err := ls[0].err
	if !errors.Is(err, backend.ErrUnavailable) {
		t.Fatalf("err = %v, want backend.ErrUnavailable", err)
	}
	if strings.Contains(err.Error(), listTimeout.String()) {
		t.Errorf("says it waited %s after a few milliseconds: %v", listTimeout, err)
	}
}

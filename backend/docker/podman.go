package docker

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
)

// Podman's Docker-compatible API answers like Docker's in most places; this
// file holds what differs (recorded in testdata/podman, checked by
// TestPodmanDifferences) and how each answer is brought to Docker's shape.

// normalizeState maps container state words to Docker's. Podman's own
// states can reach the compatible API: "configured" and "initialized"
// (created, not started yet), "stopping" (a stop in progress: still
// running) and "stopped" (exited, cleanup not done yet).
func normalizeState(s string) string {
	switch s {
	case "configured", "initialized":
		return "created"
	case "stopping":
		return "running"
	case "stopped":
		return "exited"
	}
	return s
}

// actionRemove is Podman's event for a removed container; Docker's is
// "destroy" (events.ActionDestroy).
const actionRemove events.Action = "remove"

// refused wraps an engine's refusal of an action on a container. Docker
// refuses an action on a container in the wrong state with 409 Conflict;
// Podman with 500 and a body whose cause is "container state improper",
// which the client turns into an unclassified error. So an unclassified
// refusal is checked against the container itself: when it is no longer in
// the state the action needed (it changed since it was looked at), the
// refusal is a conflict, on either engine, without reading error text.
func (b *Backend) refused(ctx context.Context, op, id, needed string, err error) error {
	if sentinelFor(err) != nil || ctx.Err() != nil {
		return engineErr(op, id, err)
	}
	res, ierr := b.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if ierr != nil {
		return engineErr(op, id, err)
	}
	if st := stateOf(res.Container); st != needed {
		return fmt.Errorf("%s %s: it is %s, not %s: %w: %w", op, id, st, needed, backend.ErrConflict, err)
	}
	return engineErr(op, id, err)
}

// logReader wraps one log attachment for the pipeline. Docker's stream goes
// through the replay filter (its json-file reader re-sends stretches of a
// fast-growing file). Podman's does not: it has no such replays, and it
// stamps entries to the second only, so many lines share a stamp and the
// filter, which relies on Docker's nanosecond stamps, would take all but
// the first line of each second for replays.
func (b *Backend) logReader(ctx context.Context, rc io.ReadCloser, multiplexed bool) io.ReadCloser {
	if b.engineKind(ctx) == EnginePodman {
		if !multiplexed {
			return newPodmanTTY(rc)
		}
		return rc
	}
	return newReplayFilter(rc, multiplexed)
}

// engineKind is the engine behind the backend, asked once; Docker when it
// cannot be told (the behaviour before Podman was known).
func (b *Backend) engineKind(ctx context.Context) EngineKind {
	if e := b.KnownEngine(); e.Kind != "" {
		return e.Kind
	}
	if e, err := b.Engine(ctx); err == nil {
		return e.Kind
	}
	return EngineDocker
}

// stopContainer stops a container, giving it StopTimeout to exit. Docker
// stops a paused container; Podman refuses to ("container state
// improper"), so a paused container is unpaused first and the stop tried
// again.
func (b *Backend) stopContainer(ctx context.Context, id string) error {
	secs := int(b.opts.StopTimeout / time.Second)
	_, err := b.cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &secs})
	if err == nil || sentinelFor(err) != nil || ctx.Err() != nil {
		return wrapIf("stop", id, err)
	}
	res, ierr := b.cli.ContainerInspect(ctx, id, client.ContainerInspectOptions{})
	if ierr != nil || stateOf(res.Container) != "paused" {
		return engineErr("stop", id, err)
	}
	if _, uerr := b.cli.ContainerUnpause(ctx, id, client.ContainerUnpauseOptions{}); uerr != nil {
		return engineErr("stop: unpause", id, uerr)
	}
	if _, err := b.cli.ContainerStop(ctx, id, client.ContainerStopOptions{Timeout: &secs}); err != nil {
		return engineErr("stop", id, err)
	}
	return nil
}

// wrapIf is engineErr for a non-nil error, nil otherwise.
func wrapIf(op, id string, err error) error {
	if err == nil {
		return nil
	}
	return engineErr(op, id, err)
}

// familiarImage writes an image reference the way Docker shows it. Podman
// reports images by their full name ("docker.io/library/ubuntu:24.04" for
// "ubuntu:24.04"), Docker as they were asked for; both become the short
// form, so a sandbox's spec id reads the same on either engine.
func familiarImage(ref string) string {
	if rest, ok := strings.CutPrefix(ref, "docker.io/"); ok {
		if short, ok := strings.CutPrefix(rest, "library/"); ok && !strings.Contains(short, "/") {
			return short
		}
		return rest
	}
	return ref
}

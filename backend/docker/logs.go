package docker

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/api/types/events"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// Logs streams a sandbox's container logs (stdout and stderr, with Docker's
// timestamps) through a logbuf pipeline. Following survives restarts: when
// the stream ends because the container stopped, it waits for the
// container's start event (shown as Waiting) and re-attaches from the last
// timestamp seen, so no line is lost or repeated. A removed container ends
// the stream with an ErrNotFound error; engine trouble shows as
// Reconnecting and is retried with backoff. Without Follow the stream ends
// at the end of the history. Everything stops when ctx is done. With
// opts.Lossless a slow consumer blocks the reading of the engine's stream
// (the engine then waits too) and nothing is dropped.
func (b *Backend) Logs(ctx context.Context, id string, opts backend.LogOptions) (<-chan logbuf.Batch, error) {
	c, err := b.inspectSandbox(ctx, "logs", id)
	if err != nil {
		return nil, err
	}
	rememberEnvSecrets(c)
	s := &logStream{
		b: b, id: c.ID, name: id, opts: opts,
		tty:     c.Config != nil && c.Config.Tty,
		p:       logbuf.NewPipeline(ctx, pipelineOptions(b.opts.Logs, opts)),
		backoff: backend.NewBackoff(),
	}
	go s.run(ctx)
	return s.p.Batches(), nil
}

// pipelineOptions are the configured buffer options with what this stream
// asks for on top: lossless delivery for a command line, no colour.
func pipelineOptions(base logbuf.Options, opts backend.LogOptions) logbuf.Options {
	base.Lossless = opts.Lossless
	base.StripColor = base.StripColor || opts.StripColor
	base.Untimed = untimed(opts)
	base.Mask = backend.MaskKnown
	return base
}

// untimed reports whether the stream is read without timestamps: only a
// history read whose consumer has no use for them. Following needs them
// to resume after a restart.
func untimed(opts backend.LogOptions) bool { return opts.Untimed && !opts.Follow }

// logStream is one Logs call: the attach, wait, re-attach loop.
type logStream struct {
	b       *Backend
	id      string // container id: a container recreated under the name is another stream
	name    string
	opts    backend.LogOptions
	tty     bool
	p       *logbuf.Pipeline
	backoff *backend.Backoff
	// seen is what a Podman stream passed lately, by content; nil on
	// Docker, whose re-attachments the pipeline's resume point serves.
	seen *podmanSeen
}

// resumeFrom is the since= of the next attachment: the newest entry shown
// on Docker, the oldest remembered second on Podman; zero when nothing
// has been shown yet.
func (s *logStream) resumeFrom() time.Time {
	if s.seen != nil {
		return s.seen.since()
	}
	return s.p.ResumeFrom()
}

func (s *logStream) run(ctx context.Context) {
	since, tail := s.opts.Since, "all"
	if s.opts.Tail >= 0 {
		tail = strconv.Itoa(s.opts.Tail)
	}
	for ctx.Err() == nil {
		lo := client.ContainerLogsOptions{
			ShowStdout: true, ShowStderr: true, Timestamps: !untimed(s.opts),
			Follow: s.opts.Follow, Tail: tail,
		}
		if !since.IsZero() {
			lo.Since = since.UTC().Format(time.RFC3339Nano)
		}
		// Watched from the attach on: a frozen engine hangs it as well.
		stopWatch := s.watchEngine(ctx)
		rc, err := s.b.cli.ContainerLogs(ctx, s.id, lo)
		if err != nil {
			stopWatch()
			if !s.failed(ctx, "attach", err) {
				return
			}
			continue
		}
		s.p.SetState(logbuf.Streaming, nil)
		var src io.ReadCloser = rc
		switch {
		case lo.Timestamps && !s.tty && s.b.engineKind(ctx) == EnginePodman:
			// Replays are recognised by content (see podman_resume.go).
			if s.seen == nil {
				s.seen = newPodmanSeen()
			}
			s.p.ForgetResume()
			src = newPodmanFrames(rc, s.seen)
		case lo.Timestamps:
			// Replays are recognised by their timestamps (Podman's TTY
			// pieces are joined there too); an untimed read is history
			// only, where the engine does not replay.
			src = s.b.logReader(ctx, rc, !s.tty)
		}
		err = s.p.Feed(ctx, src, !s.tty)
		stopWatch()
		_ = rc.Close()
		if ctx.Err() != nil || errors.Is(err, logbuf.ErrClosed) {
			return
		}
		if err != nil && !lo.Timestamps {
			// Nothing to resume from: say the history is cut short.
			s.p.Close(engineErr("logs: read", s.name, err))
			return
		}
		// From now on only what is newer than what was shown.
		tail = "all"
		if t := s.resumeFrom(); !t.IsZero() {
			since = t
		}
		if err != nil {
			if !s.failed(ctx, "read", err) {
				return
			}
			continue
		}
		s.backoff.Reset()
		if !s.opts.Follow {
			s.p.Close(nil)
			return
		}
		started, ok := s.waitRunning(ctx)
		if !ok {
			return
		}
		if s.resumeFrom().IsZero() && !started.IsZero() {
			// Nothing shown yet: the new run's lines all come after its start.
			since = started
		}
	}
}

// failed handles an engine error: a removed container ends the stream;
// anything else is shown as Reconnecting and retried after a backoff. It
// reports whether to try again.
func (s *logStream) failed(ctx context.Context, op string, err error) bool {
	if ctx.Err() != nil {
		return false
	}
	if cerrdefs.IsNotFound(err) {
		s.p.Close(fmt.Errorf("logs %s: the container was removed: %w", s.name, backend.ErrNotFound))
		return false
	}
	s.p.SetState(logbuf.Reconnecting, engineErr("logs: "+op, s.name, err))
	t := time.NewTimer(s.backoff.Next())
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// waitRunning returns once the container runs again (and when it started),
// after the log stream ended while following. It subscribes to the
// container's events before looking at its state, so a start in between
// is not missed. ok is false when the stream is over.
func (s *logStream) waitRunning(ctx context.Context) (started time.Time, ok bool) {
	for {
		evctx, cancel := context.WithCancel(ctx)
		ev := s.b.cli.Events(evctx, client.EventsListOptions{
			Filters: make(client.Filters).
				Add("type", string(events.ContainerEventType)).
				Add("container", s.id),
		})
		res, err := s.b.cli.ContainerInspect(ctx, s.id, client.ContainerInspectOptions{})
		if err == nil && res.Container.State != nil && res.Container.State.Running {
			cancel()
			return parseDockerTime(res.Container.State.StartedAt), true
		}
		if err == nil {
			s.p.SetState(logbuf.Waiting, nil)
			err = s.awaitStart(ctx, ev)
		}
		cancel()
		if err == nil {
			return time.Time{}, true
		}
		if !s.failed(ctx, "wait for restart", err) {
			return time.Time{}, false
		}
	}
}

// errDestroyed marks a destroy event seen while waiting.
var errDestroyed = cerrdefs.ErrNotFound.WithMessage("container destroyed")

// awaitStart waits for the container's start or restart event; destroy is
// reported as a not-found error, a broken subscription as itself.
func (s *logStream) awaitStart(ctx context.Context, ev client.EventsResult) error {
	for {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case m := <-ev.Messages:
			switch m.Action {
			case events.ActionStart, events.ActionRestart, events.ActionUnPause:
				return nil
			case events.ActionDestroy, actionRemove: // Docker's, Podman's
				return errDestroyed
			}
		case err := <-ev.Err:
			if err == nil {
				err = errors.New("event stream closed")
			}
			return err
		}
	}
}

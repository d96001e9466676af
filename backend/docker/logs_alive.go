package docker

import (
	"context"
	"fmt"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// watchEngine proves, while a log stream is attached, that the engine
// still answers: a quiet container and a frozen engine look the same from
// the stream (no bytes, no error), and a history read cut off by a frozen
// engine would otherwise wait in silence for as long as it stays frozen. It pings every pingInterval;
// a ping unanswered for backend.AnswerDeadline sets the stream Stalled
// ("the engine has not answered for 6s"), the next answer Streaming again.
// The returned stop ends the watch and waits for it, so no state is set
// after the caller moves on.
func (s *logStream) watchEngine(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		lastAnswer, stalled := time.Now(), false
		tick := time.NewTicker(pingInterval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			answered, ok := s.pingWithin(ctx, func() {
				if !stalled {
					stalled = true
					s.p.SetState(logbuf.Stalled, fmt.Errorf("%w: the engine has not answered for %s",
						backend.ErrUnavailable, time.Since(lastAnswer).Truncate(time.Second)))
				}
			})
			if !ok {
				return
			}
			if answered {
				lastAnswer = time.Now()
				if stalled {
					stalled = false
					s.p.SetState(logbuf.Streaming, nil)
				}
			}
		}
	}()
	return func() {
		cancel()
		<-done
	}
}

// pingWithin pings the engine, calling late once if no answer came within
// backend.AnswerDeadline. answered is whether it answered (an error other
// than silence is the stream's to report); ok is false when ctx ended.
func (s *logStream) pingWithin(ctx context.Context, late func()) (answered, ok bool) {
	res := make(chan error, 1)
	go func() {
		pctx, cancel := context.WithTimeout(ctx, pingTimeout)
		defer cancel()
		_, err := s.b.cli.Ping(pctx, client.PingOptions{})
		res <- err
	}()
	deadline := time.NewTimer(backend.AnswerDeadline)
	defer deadline.Stop()
	for {
		select {
		case err := <-res:
			return err == nil, true
		case <-deadline.C:
			late()
		case <-ctx.Done():
			return false, false
		}
	}
}

package docker

import (
	"context"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// A followed log stream of a quiet container reports a frozen engine as
// Stalled within seconds (the stream itself cannot tell silence from
// quiet), and Streaming again once the engine answers.
func TestFaultFrozenEngineStallsLogStream(t *testing.T) {
	e := dockertest.New(t)
	proxy := dockertest.NewProxy(t)
	t.Cleanup(proxy.Thaw)
	b := testBackend(t, e, proxy.Host())
	_, name := e.Run(t, dockertest.RunOptions{})
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	ch, err := b.Logs(ctx, name, backend.LogOptions{Follow: true, Tail: -1})
	if err != nil {
		t.Fatal(err)
	}
	waitState := func(want logbuf.State, within time.Duration) logbuf.Batch {
		t.Helper()
		deadline := time.After(within)
		for {
			select {
			case bt, ok := <-ch:
				if !ok {
					t.Fatalf("stream ended waiting for %s", want)
				}
				if bt.State == want {
					return bt
				}
			case <-deadline:
				t.Fatalf("no %s within %s", want, within)
			}
		}
	}
	waitState(logbuf.Streaming, waitLong)
	proxy.Freeze()
	frozeAt := time.Now()
	bt := waitState(logbuf.Stalled, notAnsweringWithin)
	t.Logf("stalled after %s: %v", time.Since(frozeAt).Round(100*time.Millisecond), bt.Err)
	proxy.Thaw()
	waitState(logbuf.Streaming, waitLong)
}

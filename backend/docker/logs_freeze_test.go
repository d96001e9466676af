package docker

import (
	"context"
	"strconv"
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

// TestFaultFrozenEngineStallsHistoryRead: a history read (no Follow) cut
// off by a frozen engine says Stalled within seconds, like a followed
// one, then Streaming once the engine answers, and still delivers every
// line. It used to wait in silence for as long as the engine stayed
// frozen: `ohdash logs X > file` in a script hung with no diagnostic.
func TestFaultFrozenEngineStallsHistoryRead(t *testing.T) {
	const n = 50_000 // 5 MB: far more than the sockets between can hold
	e := dockertest.New(t)
	proxy := dockertest.NewProxy(t)
	t.Cleanup(proxy.Thaw)
	_, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{"AGENTSIM_LOG_LINES": strconv.Itoa(n)}})
	// Waiting for the container to finish writing: through a buffer that
	// holds every line (the default one keeps the newest 10,000 when the
	// reader falls behind, as a live view should).
	written := streamLogs(t, logsBackend(t, e, ""), name, backend.LogOptions{Follow: true, Tail: -1})
	collect(t, written, newTally(), waitLong, "all lines written", func(lt *lineTally, _ logbuf.Batch) bool { return lt.complete(1, n) })

	b := testBackend(t, e, proxy.Host())
	ch := streamLogs(t, b, name, backend.LogOptions{Tail: -1, Lossless: true, Untimed: true})
	lt := newTally()
	collect(t, ch, lt, waitLong, "the first lines", func(lt *lineTally, _ logbuf.Batch) bool { return len(lt.boots) > 0 })
	proxy.Freeze()
	frozeAt := time.Now()
	bt := collect(t, ch, lt, notAnsweringWithin, "stalled", func(_ *lineTally, b logbuf.Batch) bool { return b.State == logbuf.Stalled })
	t.Logf("stalled after %s: %v", time.Since(frozeAt).Round(100*time.Millisecond), bt.Err)
	proxy.Thaw()
	collect(t, ch, lt, waitLong, "the end", func(_ *lineTally, b logbuf.Batch) bool { return b.State == logbuf.Ended })
	lt.check(t, n)
}

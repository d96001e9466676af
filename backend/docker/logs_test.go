package docker

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// lineTally checks agentsim's numbered lines ("line 00000042 boot <nanos>
// ...."): every number of every boot exactly once.
type lineTally struct {
	seen    map[string]map[int]int // boot -> line number -> count
	boots   []string
	stderr  int
	states  []logbuf.State
	dropped uint64
	other   []string
}

func newTally() *lineTally { return &lineTally{seen: map[string]map[int]int{}} }

func (lt *lineTally) add(b logbuf.Batch) {
	if n := len(lt.states); n == 0 || lt.states[n-1] != b.State {
		lt.states = append(lt.states, b.State)
	}
	lt.dropped = b.Dropped
	for _, l := range b.Lines {
		f := strings.Fields(l.Text)
		if len(f) < 4 || f[0] != "line" || f[2] != "boot" {
			lt.other = append(lt.other, l.Text)
			continue
		}
		n, err := strconv.Atoi(f[1])
		if err != nil {
			lt.other = append(lt.other, l.Text)
			continue
		}
		boot := f[3]
		if lt.seen[boot] == nil {
			lt.seen[boot] = map[int]int{}
			lt.boots = append(lt.boots, boot)
		}
		lt.seen[boot][n]++
		if l.Stream == logbuf.Stderr {
			lt.stderr++
		}
	}
}

// complete reports whether each of the first boots has lines 1..n.
func (lt *lineTally) complete(boots, n int) bool {
	if len(lt.boots) < boots {
		return false
	}
	for _, b := range lt.boots[:boots] {
		if len(lt.seen[b]) < n {
			return false
		}
	}
	return true
}

// missing lists up to max line numbers absent from boot b below the
// highest seen: where a stream lost lines, for a failure message.
func (lt *lineTally) missing(b string, max int) []int {
	top := 0
	for l := range lt.seen[b] {
		top = maxInt(top, l)
	}
	var out []int
	for i := 1; i <= top && len(out) < max; i++ {
		if lt.seen[b][i] == 0 {
			out = append(out, i)
		}
	}
	return out
}

func maxInt(a, b int) int {
	if a > b {
		return a
	}
	return b
}

// check fails the test unless there is one boot per entry of want, the
// boot with every line 1..n exactly once; n = 0 means 1..the highest line
// seen (a boot cut short by a restart).
func (lt *lineTally) check(t *testing.T, want ...int) {
	t.Helper()
	if len(lt.boots) != len(want) {
		t.Fatalf("%d boots, want %d", len(lt.boots), len(want))
	}
	for i, b := range lt.boots {
		n := want[i]
		if n == 0 {
			for l := range lt.seen[b] {
				n = max(n, l)
			}
		}
		missing, dup := 0, 0
		for i := 1; i <= n; i++ {
			switch c := lt.seen[b][i]; {
			case c == 0:
				missing++
			case c > 1:
				dup++
			}
		}
		if missing > 0 || dup > 0 || len(lt.seen[b]) != n {
			t.Errorf("boot %s: %d missing, %d duplicated, %d distinct (want %d)", b, missing, dup, len(lt.seen[b]), n)
		}
	}
	if lt.dropped != 0 || len(lt.other) != 0 {
		t.Errorf("%d dropped, unexpected lines %q", lt.dropped, lt.other)
	}
}

// collect reads batches into lt until done(lt) or the channel closes.
func collect(t *testing.T, ch <-chan logbuf.Batch, lt *lineTally, timeout time.Duration, what string, done func(*lineTally, logbuf.Batch) bool) logbuf.Batch {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		select {
		case b, ok := <-ch:
			if !ok {
				t.Fatalf("waiting for %s: stream closed; states %v", what, lt.states)
			}
			lt.add(b)
			if done(lt, b) {
				return b
			}
		case <-deadline.C:
			counts, gaps := []int{}, [][]int{}
			for _, b := range lt.boots {
				counts = append(counts, len(lt.seen[b]))
				gaps = append(gaps, lt.missing(b, 10))
			}
			t.Fatalf("waiting for %s: timed out; states %v, lines per boot %v, first missing per boot %v", what, lt.states, counts, gaps)
		}
	}
}

// logsBackend is a test backend whose log ring is big enough never to drop:
// these tests check the stream, not the ring's policy.
func logsBackend(t *testing.T, e *dockertest.Env, host string) *Backend {
	return testBackend(t, e, host, func(o *Options) { o.Logs = logbuf.Options{MaxLines: 1 << 20, MaxBytes: 1 << 30} })
}

func streamLogs(t *testing.T, b *Backend, id string, opts backend.LogOptions) <-chan logbuf.Batch {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ch, err := b.Logs(ctx, id, opts)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cancel()
		for range ch {
		}
	})
	return ch
}

func TestLogs100kLinesNoneLostOrRepeated(t *testing.T) {
	const n = 100_000
	e := dockertest.New(t)
	b := logsBackend(t, e, "")
	_, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{
		"AGENTSIM_LOG_LINES": strconv.Itoa(n), "AGENTSIM_LOG_STDERR_EVERY": "7",
	}, LogMaxSize: "100m"})
	ch := streamLogs(t, b, name, backend.LogOptions{Follow: true, Tail: -1})
	lt := newTally()
	collect(t, ch, lt, 2*time.Minute, "100k lines", func(lt *lineTally, _ logbuf.Batch) bool { return lt.complete(1, n) })
	// The engine may send a stretch again after the end: wait for the
	// stream to end (container stopped) before checking.
	if _, err := e.Client.ContainerStop(t.Context(), name, stopOpts(1)); err != nil {
		t.Fatal(err)
	}
	collect(t, ch, lt, waitLong, "waiting", func(_ *lineTally, b logbuf.Batch) bool { return b.State == logbuf.Waiting })
	lt.check(t, n)
	if lt.stderr != n/7 {
		t.Errorf("%d stderr lines, want %d", lt.stderr, n/7)
	}
}

func TestLogsFollowAcrossRestarts(t *testing.T) {
	const n = 3000
	e := dockertest.New(t)
	b := logsBackend(t, e, "")
	// Paced output: lines are still being written while the stream
	// re-attaches after each restart.
	id, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{
		"AGENTSIM_LOG_LINES": strconv.Itoa(n), "AGENTSIM_LOG_RATE": "3000",
	}})
	ch := streamLogs(t, b, name, backend.LogOptions{Follow: true, Tail: -1})
	lt := newTally()
	ctx := t.Context()
	collect(t, ch, lt, waitLong, "first boot", func(lt *lineTally, _ logbuf.Batch) bool { return len(lt.boots) == 1 && len(lt.seen[lt.boots[0]]) > n/3 })

	// docker restart: the stream ends and re-attaches at once; the first
	// boot is cut short, the second writes while the stream re-attaches.
	secs := 1
	if _, err := e.Client.ContainerRestart(ctx, id, client.ContainerRestartOptions{Timeout: &secs}); err != nil {
		t.Fatal(err)
	}
	collect(t, ch, lt, waitLong, "second boot", func(lt *lineTally, _ logbuf.Batch) bool {
		return len(lt.boots) == 2 && len(lt.seen[lt.boots[1]]) == n
	})

	// Stop, then start later: the stream waits for the start event.
	if _, err := e.Client.ContainerStop(ctx, id, stopOpts(1)); err != nil {
		t.Fatal(err)
	}
	collect(t, ch, lt, waitLong, "waiting", func(_ *lineTally, b logbuf.Batch) bool { return b.State == logbuf.Waiting })
	if _, err := e.Client.ContainerStart(ctx, id, client.ContainerStartOptions{}); err != nil {
		t.Fatal(err)
	}
	collect(t, ch, lt, waitLong, "third boot", func(lt *lineTally, _ logbuf.Batch) bool {
		return len(lt.boots) == 3 && len(lt.seen[lt.boots[2]]) == n
	})

	// Removing the container ends the stream with ErrNotFound.
	if _, err := e.Client.ContainerRemove(ctx, id, client.ContainerRemoveOptions{Force: true}); err != nil {
		t.Fatal(err)
	}
	last := collect(t, ch, lt, waitLong, "the end", func(_ *lineTally, b logbuf.Batch) bool { return b.State == logbuf.Ended })
	lt.check(t, 0, n, n)
	if !errors.Is(last.Err, backend.ErrNotFound) {
		t.Errorf("end of a removed container's stream: %v, want ErrNotFound", last.Err)
	}
	if _, ok := <-ch; ok {
		t.Error("channel should close after the final batch")
	}
}

func TestLogsWithoutFollowEndAtEOF(t *testing.T) {
	e := dockertest.New(t)
	b := logsBackend(t, e, "")
	_, name := e.Run(t, dockertest.RunOptions{Tty: true, Env: map[string]string{"AGENTSIM_LOG_LINES": "500"}})
	// Wait until all 500 lines are written.
	follow := streamLogs(t, b, name, backend.LogOptions{Follow: true, Tail: -1})
	collect(t, follow, newTally(), waitLong, "500 lines", func(lt *lineTally, _ logbuf.Batch) bool { return lt.complete(1, 500) })

	ch := streamLogs(t, b, name, backend.LogOptions{Tail: 10})
	lt := newTally()
	last := collect(t, ch, lt, waitLong, "the end", func(_ *lineTally, b logbuf.Batch) bool { return b.State == logbuf.Ended })
	if last.Err != nil {
		t.Errorf("a finished history should end cleanly: %v", last.Err)
	}
	// Podman counts the pieces of its log file, and a TTY line it stored
	// in two pieces counts twice: its tail 10 may hold 9 whole lines (the
	// newest, every one once). Docker counts lines.
	first := 491
	if dockertest.IsPodman() && len(lt.boots) == 1 && len(lt.seen[lt.boots[0]]) == 9 {
		first = 492
	}
	if len(lt.boots) != 1 || len(lt.seen[lt.boots[0]]) != 501-first || lt.seen[lt.boots[0]][first] != 1 || lt.seen[lt.boots[0]][500] != 1 {
		t.Errorf("tail 10 of a TTY container: %v", lt.seen)
	}
	if _, err := b.Logs(t.Context(), e.V1Prefix+"missing", backend.LogOptions{}); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("logs of a missing sandbox: %v", err)
	}
	if _, err := b.Logs(t.Context(), "postgres", backend.LogOptions{}); !errors.Is(err, backend.ErrInvalidID) {
		t.Errorf("logs of a non-sandbox: %v", err)
	}
}

func TestLogsReconnectAfterTheEngineGoesAway(t *testing.T) {
	const n = 4000
	e := dockertest.New(t)
	proxy := dockertest.NewProxy(t)
	b := logsBackend(t, e, proxy.Host())
	_, name := e.Run(t, dockertest.RunOptions{Env: map[string]string{
		"AGENTSIM_LOG_LINES": strconv.Itoa(n), "AGENTSIM_LOG_RATE": "1000",
	}})
	ch := streamLogs(t, b, name, backend.LogOptions{Follow: true, Tail: -1})
	lt := newTally()
	collect(t, ch, lt, waitLong, "some lines", func(lt *lineTally, _ logbuf.Batch) bool { return len(lt.boots) == 1 && len(lt.seen[lt.boots[0]]) > 500 })
	proxy.Close()
	b1 := collect(t, ch, lt, waitLong, "reconnecting", func(_ *lineTally, b logbuf.Batch) bool { return b.State == logbuf.Reconnecting })
	if !errors.Is(b1.Err, backend.ErrUnavailable) {
		t.Errorf("reconnecting because of %v, want ErrUnavailable", b1.Err)
	}
	if err := proxy.Open(); err != nil {
		t.Fatal(err)
	}
	collect(t, ch, lt, waitLong, "all lines", func(lt *lineTally, _ logbuf.Batch) bool { return lt.complete(1, n) })
	lt.check(t, n)
}

package docker

import (
	"strconv"
	"testing"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// An untimed, lossless history read (what `ohdash logs` without
// --timestamps asks for) delivers every line of a TTY and of a plain
// container once, in order, without times, and ends cleanly.
func TestLogsUntimedLosslessHistory(t *testing.T) {
	const n = 3000
	e := dockertest.New(t)
	// The default ring: lossless must not need a big one.
	b := testBackend(t, e, "")
	for _, tty := range []bool{false, true} {
		env := map[string]string{"AGENTSIM_LOG_LINES": strconv.Itoa(n)}
		if !tty {
			// A TTY merges the streams, and agentsim's two buffered
			// writers would interleave there mid-line.
			env["AGENTSIM_LOG_STDERR_EVERY"] = "5"
		}
		_, name := e.Run(t, dockertest.RunOptions{Tty: tty, Env: env})
		follow := streamLogs(t, b, name, backend.LogOptions{Follow: true, Tail: -1})
		collect(t, follow, newTally(), waitLong, "all lines written", func(lt *lineTally, _ logbuf.Batch) bool { return lt.complete(1, n) })

		ch := streamLogs(t, b, name, backend.LogOptions{Tail: -1, Lossless: true, Untimed: true, StripColor: true})
		lt := newTally()
		last := -1
		var final logbuf.Batch
		for bt := range ch {
			lt.add(bt)
			for _, l := range bt.Lines {
				if !l.Time.IsZero() {
					t.Fatalf("tty=%v: an untimed line has time %v", tty, l.Time)
				}
				if l.Stream != logbuf.Stdout {
					continue // stderr's order relative to stdout is the engine's
				}
				num, _ := strconv.Atoi(l.Text[5:13])
				if num <= last {
					t.Fatalf("tty=%v: stdout line %d after %d", tty, num, last)
				}
				last = num
			}
			final = bt
		}
		if final.State != logbuf.Ended || final.Err != nil {
			t.Fatalf("tty=%v: ended %v %v", tty, final.State, final.Err)
		}
		lt.check(t, n)
	}
}

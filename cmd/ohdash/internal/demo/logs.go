package demo

import (
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/backend/remote"
)

// withLogs adds simulated container logs to the remote backend: a runtime
// API has no log endpoint, but a demo without a logs pane would not show
// what ohdash does. The lines go through the same pipeline (decoder,
// sanitiser, ring, batching) as a Docker container's.
type withLogs struct {
	*remote.Backend
	seed uint64
}

var _ backend.LogStreamer = (*withLogs)(nil)

// historyLines is how many lines a sandbox has logged before the demo.
const historyLines = 60

// Logs streams the simulated log of a sandbox the API knows.
func (b *withLogs) Logs(ctx context.Context, id string, opts backend.LogOptions) (<-chan logbuf.Batch, error) {
	sbs, err := b.List(ctx)
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(sbs, func(s backend.Sandbox) bool { return s.ID == id })
	if i < 0 {
		return nil, fmt.Errorf("logs of %s: %w", id, backend.ErrNotFound)
	}
	live := sbs[i].Status == backend.StatusRunning
	p := logbuf.NewPipeline(ctx, logbuf.Options{})
	pr, pw := io.Pipe()
	go func() {
		_ = pw.CloseWithError(writeLog(ctx, pw, b.seed, id, opts, live))
	}()
	go func() {
		_ = p.Feed(ctx, pr, false)
		p.Close(nil)
	}()
	return p.Batches(), nil
}

// writeLog writes the history, then (following a running sandbox) a line
// every second or two, in Docker's timestamped format.
func writeLog(ctx context.Context, w io.Writer, seed uint64, id string, opts backend.LogOptions, live bool) error {
	h := fnv.New64a()
	_, _ = h.Write([]byte(id))
	rng := rand.New(rand.NewPCG(seed, h.Sum64()))
	now := time.Now()
	n := historyLines
	if opts.Tail >= 0 && opts.Tail < n {
		n = opts.Tail
	}
	start := now.Add(-time.Duration(historyLines) * 3 * time.Second)
	for i := range historyLines {
		if i < historyLines-n {
			continue
		}
		at := start.Add(time.Duration(i) * 3 * time.Second)
		if at.Before(opts.Since) {
			continue
		}
		if err := writeLine(w, at, line(rng, i)); err != nil {
			return err
		}
	}
	if !opts.Follow || !live {
		return nil
	}
	for i := historyLines; ; i++ {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second + time.Duration(rng.IntN(1000))*time.Millisecond):
		}
		if err := writeLine(w, time.Now(), line(rng, i)); err != nil {
			return err
		}
	}
}

func writeLine(w io.Writer, at time.Time, text string) error {
	_, err := fmt.Fprintf(w, "%s %s\n", at.UTC().Format(time.RFC3339Nano), text)
	return err
}

// Coloured level words, the way uvicorn and the agent-server print them on
// a terminal; the sanitiser keeps the colour and nothing else.
const (
	info  = "\x1b[32mINFO\x1b[0m    "
	debug = "\x1b[36mDEBUG\x1b[0m   "
	warn  = "\x1b[33mWARNING\x1b[0m "
)

var startup = []string{
	info + "uvicorn.error: Started server process [7]",
	info + "uvicorn.error: Waiting for application startup.",
	info + "openhands.agent_server: Loading conversations from /workspace/conversations",
	info + "uvicorn.error: Application startup complete.",
	info + "uvicorn.error: Uvicorn running on http://0.0.0.0:60000 (Press CTRL+C to quit)",
}

// chatter is what a busy agent-server logs, each line from a random draw.
var chatter = []func(r *rand.Rand) string{
	func(*rand.Rand) string { return info + `uvicorn.access: 10.0.4.1:0 - "GET /alive HTTP/1.1" 200` },
	func(*rand.Rand) string {
		return info + `uvicorn.access: 10.0.4.1:0 - "GET /api/conversations/search?limit=100 HTTP/1.1" 200`
	},
	func(r *rand.Rand) string {
		return debug + fmt.Sprintf("openhands.sdk.agent: step %d: calling the LLM", r.IntN(40)+1)
	},
	func(r *rand.Rand) string {
		return debug + fmt.Sprintf("openhands.tools.terminal: $ go test ./... (exit 0, %d.%ds)", r.IntN(9)+1, r.IntN(10))
	},
	func(r *rand.Rand) string {
		return info + fmt.Sprintf("openhands.sdk.conversation: event %d stored", r.IntN(400)+10)
	},
	func(*rand.Rand) string {
		return debug + "openhands.tools.file_editor: str_replace in internal/parse/date.go"
	},
	func(r *rand.Rand) string {
		return warn + fmt.Sprintf("openhands.sdk.llm: rate limited by the LLM proxy; retrying in %ds", r.IntN(5)+1)
	},
	func(*rand.Rand) string {
		return info + "openhands.agent_server.pub_sub: websocket subscriber connected (1 of 50)"
	},
}

// line is the i-th line of a simulated log.
func line(rng *rand.Rand, i int) string {
	if i < len(startup) {
		return startup[i]
	}
	return chatter[rng.IntN(len(chatter))](rng)
}

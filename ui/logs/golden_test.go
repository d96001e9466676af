package logs

// Golden views of the logs pane, ANSI stripped, at 80×24 and 120×40.
//
// Each case builds the pane from synthetic messages only (a fake streamer,
// fixed UTC timestamps), renders it twice (the renders must match) and
// compares with testdata/TestGolden/<case>_<w>x<h>.golden. After an
// intended change to the layout, regenerate with:
//
//	go test ./ui/logs -run TestGolden -update
//
// and review the diff of testdata/ before committing.

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// sampleLog is a container log with the things that break log views:
// colour, stderr, a long JSON line, wide characters and emoji.
func sampleLog() []logbuf.Line {
	texts := []struct {
		s    logbuf.Stream
		text string
	}{
		{logbuf.Stdout, "Starting OpenHands agent-server v1.4.2"},
		{logbuf.Stdout, "\x1b[32mINFO\x1b[0m  listening on 0.0.0.0:8000"},
		{logbuf.Stdout, "\x1b[32mINFO\x1b[0m  workspace mounted at /workspace (read-write)"},
		{logbuf.Stderr, "\x1b[33mWARN\x1b[0m  no LLM API key configured; conversations will fail to start"},
		{logbuf.Stdout, "\x1b[32mINFO\x1b[0m  GET /health 200 0.4ms"},
		{logbuf.Stdout, `{"level":"info","ts":"2026-05-01T09:30:00.685Z","msg":"conversation created","conversation_id":"7f3a9c2e4b1d4e0f","agent":"CodeActAgent","max_iterations":100,"workspace":"/workspace/project"}`},
		{logbuf.Stdout, "\x1b[36mDEBUG\x1b[0m event stream subscriber added (1/50)"},
		{logbuf.Stdout, "\x1b[32mINFO\x1b[0m  ユーザーのメッセージを受信しました 🚀 processing"},
		{logbuf.Stderr, "\x1b[31mERROR\x1b[0m tool call failed: bash exited with status 127: command not found: pytest"},
		{logbuf.Stdout, "\x1b[32mINFO\x1b[0m  retrying with fallback command"},
		{logbuf.Stderr, "Traceback (most recent call last):"},
		{logbuf.Stderr, `  File "/app/openhands/runtime/action_execution_server.py", line 412, in run_action`},
		{logbuf.Stderr, "    raise RuntimeError(f'Command timed out after {timeout}s')"},
		{logbuf.Stderr, "RuntimeError: Command timed out after 120s"},
		{logbuf.Stdout, "\x1b[32mINFO\x1b[0m  GET /health 200 0.3ms"},
		{logbuf.Stdout, "\x1b[1;35mAGENT\x1b[0m step 12/100: editing src/main.py (+14 −3)"},
		{logbuf.Stdout, "\x1b[32mINFO\x1b[0m  GET /api/conversations/7f3a9c2e4b1d4e0f/events?limit=100 200 3.1ms"},
	}
	out := make([]logbuf.Line, 0, 60)
	for i := 0; len(out) < 60; i++ {
		t := texts[i%len(texts)]
		out = append(out, ln(len(out)+1, t.s, t.text))
	}
	return out
}

type goldenCase struct {
	name  string
	build func(t *testing.T, w, h int) Model
}

func goldenCases() []goldenCase {
	stream := func(t *testing.T, w, h int, opts ...Option) (Model, *fakeStreamer) {
		f := &fakeStreamer{}
		m, wait := opened(t, newPane(w, h, opts...), f, "oh-agent-server-5f2c", "oh-agent-server-5f2c")
		m, _ = deliver(t, m, wait, f.stream(t, 0), logbuf.Batch{Lines: sampleLog()})
		return m, f
	}
	return []goldenCase{
		{"idle", func(t *testing.T, w, h int) Model {
			return newPane(w, h)
		}},
		{"streaming", func(t *testing.T, w, h int) Model {
			m, _ := stream(t, w, h)
			return m
		}},
		{"search_paused", func(t *testing.T, w, h int) Model {
			m, _ := stream(t, w, h)
			m = keys(typeText(keys(m, "/"), "error"), "enter", "n")
			return m
		}},
		{"search_input", func(t *testing.T, w, h int) Model {
			m, _ := stream(t, w, h)
			return typeText(keys(m, "/"), "timed out")
		}},
		{"nowrap_timestamps", func(t *testing.T, w, h int) Model {
			m, _ := stream(t, w, h)
			return keys(m, "w", "t", "k", "k", "right")
		}},
		{"reconnecting_lossy", func(t *testing.T, w, h int) Model {
			f := &fakeStreamer{}
			m, wait := opened(t, newPane(w, h, WithMaxLines(40)), f, "sb", "api")
			lines := make([]logbuf.Line, 0, 300)
			for i := 1; i <= 300; i++ {
				lines = append(lines, ln(i, logbuf.Stdout, fmt.Sprintf("tick %03d %s", i, strings.Repeat("·", i%17))))
			}
			m, _ = deliver(t, m, wait, f.stream(t, 0), logbuf.Batch{
				Lines: lines, Dropped: 4821, State: logbuf.Reconnecting,
				Err: errors.New("engine connection lost; next try in 4s"),
			})
			return m.Blur()
		}},
		{"open_error", func(t *testing.T, w, h int) Model {
			f := &fakeStreamer{err: fmt.Errorf("container oh-agent-server-dead: %w", errNoSuchSandbox)}
			m, _ := opened(t, newPane(w, h), f, "oh-agent-server-dead", "oh-agent-server-dead")
			return m
		}},
	}
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		for _, size := range [][2]int{{80, 24}, {120, 40}} {
			name := fmt.Sprintf("%s_%dx%d", c.name, size[0], size[1])
			t.Run(name, func(t *testing.T) {
				m := c.build(t, size[0], size[1])
				testkit.Golden(t, name, screen(t, m))
			})
		}
	}
}

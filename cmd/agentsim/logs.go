package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// logConfig shapes the log output: tests ask for exact counts and shapes
// so they can check that nothing is lost, duplicated or left unsanitised.
type logConfig struct {
	lines       int     // lines to write; -1 forever
	rate        float64 // lines per second; 0 as fast as possible
	shape       string  // numbered, long, hostile, mixed
	stderrEvery int     // every Nth line goes to stderr
	width       int     // bytes per numbered line, newline included
}

func logConfigFromEnv(getenv func(string) string) (logConfig, error) {
	lc := logConfig{shape: "numbered", width: 100}
	var err error
	if v := getenv("AGENTSIM_LOG_LINES"); v != "" {
		if lc.lines, err = strconv.Atoi(v); err != nil {
			return lc, fmt.Errorf("AGENTSIM_LOG_LINES: %w", err)
		}
	}
	if v := getenv("AGENTSIM_LOG_RATE"); v != "" {
		if lc.rate, err = strconv.ParseFloat(v, 64); err != nil {
			return lc, fmt.Errorf("AGENTSIM_LOG_RATE: %w", err)
		}
	}
	if v := getenv("AGENTSIM_LOG_SHAPE"); v != "" {
		lc.shape = v
	}
	if v := getenv("AGENTSIM_LOG_STDERR_EVERY"); v != "" {
		if lc.stderrEvery, err = strconv.Atoi(v); err != nil {
			return lc, fmt.Errorf("AGENTSIM_LOG_STDERR_EVERY: %w", err)
		}
	}
	if v := getenv("AGENTSIM_LOG_WIDTH"); v != "" {
		if lc.width, err = strconv.Atoi(v); err != nil {
			return lc, fmt.Errorf("AGENTSIM_LOG_WIDTH: %w", err)
		}
	}
	return lc, nil
}

func (lc logConfig) validate() error {
	switch lc.shape {
	case "numbered", "long", "hostile", "mixed":
	default:
		return fmt.Errorf("unknown log shape %q (numbered, long, hostile, mixed)", lc.shape)
	}
	if lc.rate < 0 {
		return fmt.Errorf("log rate %v must not be negative", lc.rate)
	}
	if lc.width < 32 {
		return fmt.Errorf("log width %d is below the minimum of 32", lc.width)
	}
	return nil
}

// hostileLines are escape sequences a malicious sandbox could print to
// attack the terminal that shows its logs.
var hostileLines = []string{
	"\x1b[2J\x1b[Hscreen cleared",
	"\x1b]0;pwned title\x07title set",
	"\x1b]8;;http://evil.example/\x1b\\click me\x1b]8;;\x1b\\",
	"\x1b]52;c;cHduZWQ=\x07clipboard written",
	"\x1bP+q544e\x1b\\dcs query",
	"\x1b_apc payload\x1b\\apc",
	"\x1b[31mred\x1b[0m and \x1b[1;32mbold green\x1b[0m",
	"progress 10%\rprogress 100%",
	"tab\tseparated\tcolumns",
	"back\b\b\bspace",
	"invalid utf8 \xff\xfe here",
	"\x1b[10A\x1b[5Ccursor moved",
}

// writeLogs writes the configured lines, numbering each so a reader can
// check for loss and duplication. The boot stamp tells restarts apart.
func writeLogs(ctx context.Context, lc logConfig, stdout, stderr io.Writer) {
	if lc.lines == 0 {
		return
	}
	boot := time.Now().UnixNano()
	out := bufio.NewWriterSize(stdout, 64<<10)
	errw := bufio.NewWriterSize(stderr, 64<<10)
	defer out.Flush()
	defer errw.Flush()
	var tick *time.Ticker
	if lc.rate > 0 {
		tick = time.NewTicker(time.Duration(float64(time.Second) / lc.rate))
		defer tick.Stop()
	}
	for n := 1; lc.lines < 0 || n <= lc.lines; n++ {
		if tick != nil {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		} else if n%1024 == 0 && ctx.Err() != nil {
			return
		}
		w := out
		if lc.stderrEvery > 0 && n%lc.stderrEvery == 0 {
			w = errw
		}
		_, _ = w.WriteString(logLine(lc, n, boot))
		if tick != nil {
			// Paced output is watched live: make every line visible at once.
			_ = w.Flush()
		}
	}
}

func logLine(lc logConfig, n int, boot int64) string {
	shape := lc.shape
	if shape == "mixed" {
		shape = []string{"numbered", "numbered", "numbered", "long", "hostile"}[n%5]
	}
	head := fmt.Sprintf("line %08d boot %d", n, boot)
	switch shape {
	case "long":
		// Longer than Docker's 16 KiB message limit, so it arrives split.
		return head + " " + strings.Repeat("L", 40<<10) + " end\n"
	case "hostile":
		return head + " " + hostileLines[n%len(hostileLines)] + "\n"
	default:
		pad := lc.width - len(head) - 2
		if pad < 0 {
			pad = 0
		}
		return head + " " + strings.Repeat(".", pad) + "\n"
	}
}

package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"strconv"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// logsOpts are the flags of `ohdash logs`.
type logsOpts struct {
	follow, timestamps bool
	tail, since        string
}

func setupLogs(fs *flag.FlagSet) runner {
	var o logsOpts
	fs.BoolVar(&o.follow, "follow", false, "keep printing new lines until interrupted (across restarts)")
	fs.StringVar(&o.tail, "tail", "all", "print only the last `N` lines of history (or all)")
	fs.StringVar(&o.since, "since", "", "skip lines older than `T`: a duration (10m), RFC 3339 time or Unix seconds")
	fs.BoolVar(&o.timestamps, "timestamps", false, "prefix every line with its RFC 3339 timestamp")
	return func(ctx context.Context, a *app, args []string) error {
		opts, err := o.options(time.Now())
		if err != nil {
			return err
		}
		f, err := a.resolveSandbox(ctx, args[0])
		if err != nil {
			return err
		}
		ls, ok := f.backend.(backend.LogStreamer)
		if !ok {
			return fmt.Errorf("backend %s has no container logs: %w", f.backend.Name(), backend.ErrUnsupported)
		}
		return a.printLogs(ctx, ls, f.sandbox.ID, opts, o.timestamps)
	}
}

// options turns the flags into backend log options.
func (o logsOpts) options(now time.Time) (backend.LogOptions, error) {
	opts := backend.LogOptions{Follow: o.follow, Tail: -1}
	if o.tail != "all" && o.tail != "" {
		n, err := strconv.Atoi(o.tail)
		if err != nil || n < 0 {
			return opts, usagef("--tail %q: want a number of lines or all", o.tail)
		}
		opts.Tail = n
	}
	if o.since != "" {
		t, err := parseSince(o.since, now)
		if err != nil {
			return opts, err
		}
		opts.Since = t
	}
	return opts, nil
}

// parseSince accepts a duration back from now, an RFC 3339 time or Unix
// seconds, like docker logs --since.
func parseSince(s string, now time.Time) (time.Time, error) {
	if d, err := time.ParseDuration(s); err == nil && d >= 0 {
		return now.Add(-d), nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if secs, err := strconv.ParseFloat(s, 64); err == nil && secs >= 0 {
		return time.Unix(0, int64(secs*float64(time.Second))), nil
	}
	return time.Time{}, usagef("--since %q: want a duration (10m), an RFC 3339 time or Unix seconds", s)
}

// lineWriter writes log lines to one output, keeping colour only for a
// terminal that wants it.
type lineWriter struct {
	w *bufio.Writer
	// strip removes the colour the lines still carry (when the other
	// output wants it, the stream keeps it).
	strip bool
}

func (lw lineWriter) write(l logbuf.Line, stamps bool) error {
	text := l.Text
	if lw.strip {
		text = ansi.Strip(text)
	}
	if stamps {
		if l.Time.IsZero() {
			_, _ = lw.w.WriteString("- ")
		} else {
			var buf [64]byte
			_, _ = lw.w.Write(l.Time.UTC().AppendFormat(buf[:0], time.RFC3339Nano))
			_ = lw.w.WriteByte(' ')
		}
	}
	_, _ = lw.w.WriteString(text)
	// A bufio.Writer keeps its first error and returns it from every later
	// call: checking the last one is enough.
	return lw.w.WriteByte('\n')
}

// printLogs copies a log stream to stdout and stderr until it ends or ctx
// is done (an interrupt while following is a normal end). The stream is
// lossless: when the outputs are slow (a pipe to a slow reader), reading
// the engine waits for them, like `docker logs`, and no line is dropped.
func (a *app) printLogs(ctx context.Context, ls backend.LogStreamer, id string, opts backend.LogOptions, stamps bool) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	colour := a.io.getenv("NO_COLOR") == ""
	outColour, errColour := colour && a.io.outTTY, colour && a.io.errTTY
	opts.Lossless = true
	// Without --timestamps a history read needs no times: the engine
	// then formats none, which is most of what makes it slower than a
	// plain `docker logs`.
	opts.Untimed = !stamps
	// Colour neither output shows is dropped where lines are made, once.
	opts.StripColor = !outColour && !errColour
	ch, err := ls.Logs(sctx, id, opts)
	if err != nil {
		return err
	}
	out := lineWriter{w: bufio.NewWriterSize(a.io.out, 64<<10), strip: !outColour && !opts.StripColor}
	errw := lineWriter{w: bufio.NewWriterSize(a.io.err, 16<<10), strip: !errColour && !opts.StripColor}
	state := logbuf.Streaming
	for b := range ch {
		for _, l := range b.Lines {
			w := out
			if l.Stream != logbuf.Stdout {
				w = errw
			}
			if err := w.write(l, stamps); err != nil {
				return fmt.Errorf("writing logs: %w", err)
			}
		}
		if b.Dropped > 0 {
			// Cannot happen with a lossless stream; if it ever does, a
			// script must not take the output for complete.
			_ = flushBoth(out.w, errw.w)
			return fmt.Errorf("logs of %s: %d lines were lost", id, b.Dropped)
		}
		if len(ch) == 0 || b.State != state {
			// Written out whenever nothing more is waiting: big writes
			// while the stream pours, every line at once while it trickles.
			if err := flushBoth(out.w, errw.w); err != nil {
				return err
			}
		}
		if b.State != state {
			state = b.State
			if done, err := a.logState(id, b, opts.Follow); done {
				return followEnd(ctx, opts, err)
			}
		}
	}
	if err := flushBoth(out.w, errw.w); err != nil {
		return err
	}
	return followEnd(ctx, opts, ctx.Err())
}

// followEnd makes an interrupt the normal end of following: a stream cut
// short by the signal is not a failure.
func followEnd(ctx context.Context, opts backend.LogOptions, err error) error {
	if opts.Follow && ctx.Err() != nil {
		return nil
	}
	return err
}

// logState reports a stream's change of state on stderr; done is set when
// the stream is over.
func (a *app) logState(id string, b logbuf.Batch, follow bool) (done bool, err error) {
	switch b.State {
	case logbuf.Waiting:
		a.warnf("%s stopped; waiting for it to start again", id)
	case logbuf.Reconnecting:
		a.warnf("log stream of %s interrupted (%v); reconnecting", id, b.Err)
	case logbuf.Streaming:
		if follow {
			a.warnf("log stream of %s resumed", id)
		}
	case logbuf.Ended:
		if b.Err != nil && errors.Is(b.Err, backend.ErrNotFound) && follow {
			a.warnf("%s was removed", id)
			return true, nil
		}
		return true, b.Err
	}
	return false, nil
}

func flushBoth(ws ...*bufio.Writer) error {
	for _, w := range ws {
		if err := w.Flush(); err != nil {
			return fmt.Errorf("writing logs: %w", err)
		}
	}
	return nil
}

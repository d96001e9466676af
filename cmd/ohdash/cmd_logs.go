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
		if !ok || !backend.Supports(f.backend, backend.CapLogs) {
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
	w      *bufio.Writer
	colour bool
}

func (lw lineWriter) write(l logbuf.Line, stamps bool) error {
	text := l.Text
	if !lw.colour {
		text = ansi.Strip(text)
	}
	if stamps {
		ts := "-"
		if !l.Time.IsZero() {
			ts = l.Time.UTC().Format(time.RFC3339Nano)
		}
		if _, err := lw.w.WriteString(ts + " "); err != nil {
			return err
		}
	}
	if _, err := lw.w.WriteString(text); err != nil {
		return err
	}
	return lw.w.WriteByte('\n')
}

// printLogs copies a log stream to stdout and stderr until it ends or ctx
// is done (an interrupt while following is a normal end).
func (a *app) printLogs(ctx context.Context, ls backend.LogStreamer, id string, opts backend.LogOptions, stamps bool) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch, err := ls.Logs(sctx, id, opts)
	if err != nil {
		return err
	}
	colour := a.io.getenv("NO_COLOR") == ""
	out := lineWriter{w: bufio.NewWriterSize(a.io.out, 64<<10), colour: colour && a.io.outTTY}
	errw := lineWriter{w: bufio.NewWriterSize(a.io.err, 16<<10), colour: colour && a.io.errTTY}
	var dropped uint64
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
		if err := flushBoth(out.w, errw.w); err != nil {
			return err
		}
		if b.Dropped > dropped {
			a.warnf("%d log lines dropped: output was slower than the log (raise logs.max_lines)", b.Dropped-dropped)
			dropped = b.Dropped
		}
		if b.State != state {
			state = b.State
			if done, err := a.logState(id, b, opts.Follow); done {
				return followEnd(ctx, opts, err)
			}
		}
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
	case logbuf.Stalled:
		a.warnf("log stream of %s stalled: %v", id, b.Err)
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

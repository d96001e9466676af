package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"regexp"
	"strconv"
	"strings"
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
	fs.StringVar(&o.since, "since", "", "skip lines older than `T`: Unix seconds, a duration (10m) or an RFC 3339 time")
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
			return opts, usagef("--tail %s: want a number of lines or all", quoteArg(o.tail))
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

// maxUnixSeconds is the last second of year 9999, the latest time RFC 3339
// (and the engine) can express.
const maxUnixSeconds = 253402300799

// unixSeconds is docker's form of a Unix time: seconds, optionally with up
// to nine digits of fraction (no sign, exponent or "Inf").
var unixSeconds = regexp.MustCompile(`^([0-9]+)(?:\.([0-9]{1,9}))?$`)

// parseSince accepts Unix seconds, a duration back from now or an RFC 3339
// time, like docker logs --since. Numbers come first, so "0" is the epoch
// (every line), as for docker, not a zero duration (none). Out-of-range
// values are usage errors; a time before 1970 is the epoch, older than
// any log line.
func parseSince(s string, now time.Time) (time.Time, error) {
	var t time.Time
	if m := unixSeconds.FindStringSubmatch(s); m != nil {
		secs, err := strconv.ParseInt(m[1], 10, 64)
		if err != nil || secs > maxUnixSeconds {
			return time.Time{}, usagef("--since %s: Unix seconds after the year 9999", quoteArg(s))
		}
		frac := m[2] + strings.Repeat("0", 9-len(m[2]))
		nanos, _ := strconv.ParseInt(frac, 10, 64) // nine digits: cannot fail
		t = time.Unix(secs, nanos)
	} else if d, err := time.ParseDuration(s); err == nil {
		if d < 0 {
			return time.Time{}, usagef("--since %s: a duration back from now cannot be negative", quoteArg(s))
		}
		t = now.Add(-d)
	} else if t, err = time.Parse(time.RFC3339Nano, s); err != nil {
		return time.Time{}, usagef("--since %s: want Unix seconds, a duration (10m) or an RFC 3339 time", quoteArg(s))
	}
	if t.Before(time.Unix(0, 0)) {
		t = time.Unix(0, 0)
	}
	return t, nil
}

// lineWriter writes log lines to one output, keeping colour only for a
// terminal that wants it.
type lineWriter struct {
	w *bufio.Writer
	// strip removes the colour the lines still carry (when the other
	// output wants it, the stream keeps it).
	strip bool
	// mid: the last piece written was continued (Line.Continues), so the
	// next one carries on the same line, without a timestamp.
	mid bool
}

// write writes one line, or one piece of an overlong line: the pieces of
// a line come out as the one line they were, like docker logs prints it.
func (lw *lineWriter) write(l logbuf.Line, stamps bool) error {
	text := l.Text
	if lw.strip {
		text = ansi.Strip(text)
	}
	if stamps && !lw.mid {
		if l.Time.IsZero() {
			_, _ = lw.w.WriteString("- ")
		} else {
			var buf [64]byte
			_, _ = lw.w.Write(l.Time.UTC().AppendFormat(buf[:0], time.RFC3339Nano))
			_ = lw.w.WriteByte(' ')
		}
	}
	_, err := lw.w.WriteString(text)
	lw.mid = l.Continues
	if l.Continues {
		return err
	}
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
	// then formats none (a sixth of its work on short lines, measured),
	// as for a plain `docker logs`.
	opts.Untimed = !stamps
	// Colour neither output shows is dropped where lines are made, once.
	opts.StripColor = !outColour && !errColour
	ch, err := ls.Logs(sctx, id, opts)
	if err != nil {
		return err
	}
	out := &lineWriter{w: bufio.NewWriterSize(a.io.out, 64<<10), strip: !outColour && !opts.StripColor}
	errw := &lineWriter{w: bufio.NewWriterSize(a.io.err, 16<<10), strip: !errColour && !opts.StripColor}
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
			was := state
			state = b.State
			if !opts.Follow && was == logbuf.Stalled && state == logbuf.Streaming {
				// A history read stalls (a frozen engine) but has no other
				// reason to say "resumed".
				a.warnf("log stream of %s resumed", id)
			}
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

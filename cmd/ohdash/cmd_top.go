package main

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// minTopInterval keeps `top --interval` from turning into a busy loop.
const minTopInterval = 250 * time.Millisecond

// Terminal controls `top` writes itself on a terminal: home the cursor,
// clear to the end of a line, clear below.
const (
	ansiHome      = "\x1b[H"
	ansiClearLine = "\x1b[K"
	ansiClearDown = "\x1b[J"
	ansiClearAll  = "\x1b[2J"
)

func setupTop(fs *flag.FlagSet) runner {
	noStream := fs.Bool("no-stream", false, "print one sample (two readings a second apart) and exit")
	interval := fs.Duration("interval", 2*time.Second, "time between samples")
	asJSON := fs.Bool("json", false, "print JSON: one array per line per sample (NDJSON); with --no-stream one array")
	return func(ctx context.Context, a *app, _ []string) error {
		if *interval < minTopInterval {
			return usagef("--interval %s: must be at least %s", *interval, minTopInterval)
		}
		bs, err := a.Selected(ctx)
		if err != nil {
			return err
		}
		t := &topRun{a: a, p: newSampler(a), json: *asJSON}
		if *noStream {
			return t.once(ctx, bs)
		}
		return t.stream(ctx, bs, *interval)
	}
}

// topRun is one `ohdash top`.
type topRun struct {
	a     *app
	p     *sampler
	json  bool
	drawn bool
}

// topSandboxes are the sandboxes top shows: running and paused ones (like
// `docker stats`, which leaves stopped containers out).
// They are in a steady order (backend, then id), so rows do not jump
// between samples.
func topSandboxes(ls []listing) ([]backend.Sandbox, error) {
	sbs, err := collect(ls, func(sb backend.Sandbox) bool {
		return sb.Status == backend.StatusRunning || sb.Status == backend.StatusPaused
	})
	slices.SortStableFunc(sbs, func(x, y backend.Sandbox) int {
		return cmp.Or(cmp.Compare(x.Source, y.Source), cmp.Compare(x.ID, y.ID))
	})
	return sbs, err
}

func (t *topRun) once(ctx context.Context, bs []backend.Backend) error {
	ls := listAll(ctx, bs)
	sbs, failed := topSandboxes(ls)
	rows, statsErr := t.p.sampleTwice(ctx, ls)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if t.json {
		out := make([]statsRowJSON, len(sbs))
		for i, sb := range sbs {
			out[i] = topRowJSON(sb, rows[rowKey(sb)])
		}
		if err := writeJSON(t.a.io.out, out); err != nil {
			return err
		}
	} else {
		var buf bytes.Buffer
		writeTopTable(&buf, sbs, rows, failed == nil)
		if _, err := t.a.io.out.Write(buf.Bytes()); err != nil {
			return err
		}
	}
	if failed == nil && statsErr != nil {
		failed = statsErr
	} else if statsErr != nil {
		failed = fmt.Errorf("%w; %w", failed, statsErr)
	}
	return partial(ls, failed)
}

// stream samples every interval until interrupted: the first block comes
// a second after the start (CPU needs two readings), then one per
// interval. Sandboxes are listed again every round, as they come and go.
func (t *topRun) stream(ctx context.Context, bs []backend.Backend, interval time.Duration) error {
	lister := newTopLister(bs)
	ls := lister.round(ctx, max(interval, topListWait))
	t.p.sample(ctx, ls)
	wait := primeGap
	for {
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil // interrupting is how top ends
		case <-timer.C:
		}
		wait = interval
		began := time.Now()
		ls = lister.round(ctx, max(interval, topListWait))
		var notes []string
		for _, l := range ls {
			name := l.backend.Name()
			switch {
			case errors.Is(l.err, errTopLate):
				// Said once, not with a growing count every round.
				t.p.note(name, topLateNote)
				notes = append(notes, "backend "+name+": "+topLateNote)
			case l.err != nil:
				t.p.note(name, l.err.Error())
			case t.p.noted[name] == topLateNote:
				t.p.note(name, "answering again")
			}
		}
		sbs, failed := topSandboxes(ls)
		rows, _ := t.p.sample(ctx, ls)
		if ctx.Err() != nil {
			return nil
		}
		if err := t.draw(sbs, rows, failed == nil, notes); err != nil {
			return err
		}
		// The interval is from start to start, as far as the work allows.
		if wait -= time.Since(began); wait < 0 {
			wait = 0
		}
	}
}

// draw writes one sample: NDJSON, a block redrawn in place on a terminal,
// or a block per sample followed by a blank line. On a terminal the block
// ends with notes of the backends that did not answer this round: the
// redraw clears what stderr said of them.
func (t *topRun) draw(sbs []backend.Sandbox, rows map[string]rowStats, complete bool, notes []string) error {
	var buf bytes.Buffer
	switch {
	case t.json:
		out := make([]statsRowJSON, len(sbs))
		for i, sb := range sbs {
			out[i] = topRowJSON(sb, rows[rowKey(sb)])
		}
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(out); err != nil {
			return err
		}
		_, err := t.a.io.out.Write(sanitize.EscapeJSON(nil, buf.Bytes()))
		return err
	case t.a.io.outTTY:
		var table bytes.Buffer
		writeTopTable(&table, sbs, rows, complete)
		noteLines := make([]string, len(notes))
		for i, n := range notes {
			noteLines[i] = "! " + backend.SafeText(n)
		}
		if !t.drawn {
			buf.WriteString(ansiClearAll)
			t.drawn = true
		}
		buf.WriteString(ansiHome)
		for _, line := range fitScreen(strings.Split(strings.TrimSuffix(table.String(), "\n"), "\n"), noteLines, t.a.io.outSize) {
			buf.WriteString(line + ansiClearLine + "\n")
		}
		buf.WriteString(ansiClearDown)
	default:
		writeTopTable(&buf, sbs, rows, complete)
		buf.WriteString("\n")
	}
	_, err := t.a.io.out.Write(buf.Bytes())
	return err
}

// fitScreen cuts a redrawn block (the table's lines, its header first,
// then the notes of the backends that did not answer) to the terminal: a
// line wider than the terminal would wrap and a block taller than it
// would scroll, and either leaves the next redraw (from the top left
// corner) over the remains of this one. Rows that do not fit are counted
// on a line of their own; the header and the notes stay (the notes before
// the count when the terminal is too short for both).
func fitScreen(lines, notes []string, size func() (int, int, bool)) []string {
	w, h, ok := 0, 0, false
	if size != nil {
		w, h, ok = size()
	}
	if !ok {
		return append(lines, notes...)
	}
	// The cursor rests on the last row after the final newline.
	if h > 1 && len(lines)+len(notes) > h-1 {
		// The header first, then the notes (they say why rows are
		// missing), then the count of the rows left out, then rows.
		notes = notes[:min(len(notes), h-2)]
		if room := h - 1 - len(notes); room < len(lines) {
			if keep := room - 1; keep >= 1 {
				more := fmt.Sprintf("… %d more (a taller terminal shows them; --no-stream prints all)", len(lines)-keep)
				lines = append(lines[:keep:keep], more)
			} else {
				lines = lines[:1:1]
			}
		}
	}
	lines = append(lines, notes...)
	for i, l := range lines {
		if ansi.StringWidth(l) > w {
			lines[i] = ansi.Truncate(l, w-1, "…")
		}
	}
	return lines
}

func topRowJSON(sb backend.Sandbox, r rowStats) statsRowJSON {
	return statsRowJSON{
		Backend: sb.Source, ID: backend.MaskText(sb.ID), Status: sb.Status, resourceJSON: toResourceJSON(r),
	}
}

// writeTopTable writes the table. Ids and backend names come from
// outside: sanitised and masked like every table's.
func writeTopTable(w *bytes.Buffer, sbs []backend.Sandbox, rows map[string]rowStats, complete bool) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "BACKEND\tID\tCPU %\tOF LIMIT\tMEM USAGE / LIMIT\tMEM %\tNET RX / TX\tBLOCK R / W\tPIDS")
	for _, sb := range sbs {
		c := statsCells(rows[rowKey(sb)])
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", backend.CleanText(sb.Source), backend.SafeText(sb.ID),
			c.cpu, c.cpuLimit, c.mem, c.memPct, c.net, c.blk, c.pids)
	}
	_ = tw.Flush()
	if len(sbs) == 0 && complete {
		fmt.Fprintln(w, "no running sandboxes")
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
)

// eventsOpts are the flags of `ohdash events`.
type eventsOpts struct {
	follow, asJSON, all bool
	sandbox             string
	tail                int
}

func setupEvents(fs *flag.FlagSet) runner {
	var o eventsOpts
	fs.BoolVar(&o.follow, "follow", false, "keep printing new events until interrupted (reconnects without gaps or repeats)")
	fs.BoolVar(&o.asJSON, "json", false, "print each event as the server sent it, one JSON object per line (NDJSON)")
	fs.BoolVar(&o.all, "all", false, "also print quiet events (state updates, token logs) in the human format")
	fs.StringVar(&o.sandbox, "sandbox", "", "look for the conversation in this `SANDBOX` only")
	fs.IntVar(&o.tail, "tail", 0, "only the newest `N` events of history (0: all); with --follow, then follow")
	return func(ctx context.Context, a *app, args []string) error {
		if o.tail < 0 {
			return usagef("--tail %d: want a number of events (0: all)", o.tail)
		}
		f, err := a.resolveConversation(ctx, args[0], o.sandbox)
		if err != nil {
			return err
		}
		w := bufio.NewWriterSize(a.io.out, 64<<10)
		p := eventPrinter{a: a, w: w, f: f, o: o}
		if o.follow {
			return p.follow(ctx)
		}
		return p.history(ctx)
	}
}

// eventPrinter writes events in one of the two formats.
type eventPrinter struct {
	a *app
	w *bufio.Writer
	f convFound
	o eventsOpts
}

// history prints the stored events (the newest --tail only, when set),
// oldest first, as the pages arrive: paged forward, so memory holds a
// page, not the conversation, and a slow reader slows the paging down
// instead of making it buffer.
func (p eventPrinter) history(ctx context.Context) error {
	q := backend.HistoryQuery{Tail: p.o.tail, Raw: p.o.asJSON}
	err := p.a.Conversations().History(ctx, p.f.sandbox, p.f.conv.ID, q, func(page []backend.Event) error {
		for _, ev := range page {
			if err := p.print(ctx, ev); err != nil {
				return err
			}
		}
		return p.flush()
	})
	if err != nil {
		return err
	}
	return p.flush()
}

// follow prints the live stream (history first) until ctx is done or the
// stream closes for good; its connection changes go to stderr.
func (p eventPrinter) follow(ctx context.Context) error {
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := p.a.Conversations().StreamEvents(sctx, p.f.sandbox, p.f.conv.ID, backend.StreamOptions{Tail: p.o.tail, Raw: p.o.asJSON})
	phase := backend.ConnConnecting
	for u := range ch {
		for _, ev := range u.Events {
			if err := p.print(ctx, ev); err != nil {
				return err
			}
		}
		if err := p.flush(); err != nil {
			return err
		}
		if u.BackFilled > 0 {
			p.a.warnf("reconnected: %d events back-filled", u.BackFilled)
		}
		if u.Conn.Phase != phase {
			was := phase
			phase = u.Conn.Phase
			switch phase {
			case backend.ConnUnresponsive:
				// The socket is open but nothing answers (a frozen proxy,
				// a stopped sandbox): events may be late, not lost.
				p.a.warnf("event stream of %s %s", p.f.conv.ID, u.Conn.Describe(time.Now()))
			case backend.ConnLive:
				if was == backend.ConnUnresponsive || was == backend.ConnReconnecting {
					p.a.warnf("event stream of %s resumed", p.f.conv.ID)
				}
			case backend.ConnReconnecting:
				p.a.warnf("event stream lost (%v); %s", u.Conn.Err, u.Conn.Describe(time.Now()))
			case backend.ConnClosed:
				if u.Conn.Err != nil && ctx.Err() == nil {
					return fmt.Errorf("event stream closed: %w", u.Conn.Err)
				}
				return nil
			}
		}
	}
	return nil
}

// print writes one event: its JSON as received (fetched whole when it was
// too large to keep inline), or a transcript line.
func (p eventPrinter) print(ctx context.Context, ev backend.Event) error {
	if p.o.asJSON {
		raw := ev.Raw
		if len(raw) < ev.RawSize || raw == nil {
			full, err := p.a.Conversations().Event(ctx, p.f.sandbox, p.f.conv.ID, ev.ID)
			if err != nil {
				return fmt.Errorf("event %s: %w", ev.ID, err)
			}
			raw = full.Raw
		}
		var buf bytes.Buffer
		if err := json.Compact(&buf, raw); err != nil {
			return fmt.Errorf("event %s is not JSON: %w", ev.ID, err)
		}
		buf.WriteByte('\n')
		// As sent, but with credentials masked: an agent's output may
		// quote the sandbox's key, the runtime API key or a token.
		_, err := p.w.Write(terminalSafeJSON(backend.MaskJSON(buf.Bytes())))
		return err
	}
	if ev.Quiet && !p.o.all {
		return nil
	}
	ts := ev.Timestamp
	if !ev.Time.IsZero() {
		ts = ev.Time.Format("15:04:05")
	}
	mark := " "
	if ev.Failed {
		mark = "!"
	}
	_, err := fmt.Fprintf(p.w, "%s %s %s %s\n", ts, mark, sourceColumn(ev.Source), ev.Summary)
	return err
}

// sourceWidth is the width of the source column: the longest source an
// agent-server sends ("environment"; the others are "user", "agent" and
// "hook"), so every summary starts in the same column.
const sourceWidth = len("environment")

// sourceColumn pads a source to sourceWidth cells; a longer one (a source
// a newer server invents) is cut with "…" rather than pushing its summary
// out of line.
func sourceColumn(s string) string {
	if w := ansi.StringWidth(s); w < sourceWidth {
		return s + strings.Repeat(" ", sourceWidth-w)
	}
	return ansi.Truncate(s, sourceWidth, "…")
}

func (p eventPrinter) flush() error {
	if err := p.w.Flush(); err != nil {
		return fmt.Errorf("writing events: %w", err)
	}
	return nil
}

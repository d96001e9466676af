package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/ui/convtab"
)

// setupWatch is `ohdash watch [--json]`: the state changes the dashboard
// alerts on, as a stream for scripts, until interrupted.
func setupWatch(fs *flag.FlagSet) runner {
	asJSON := fs.Bool("json", false, "print one JSON object per change (NDJSON; stable field names)")
	return func(ctx context.Context, a *app, _ []string) error {
		bs, err := a.Selected(ctx)
		if err != nil {
			return err
		}
		w := &changeWriter{w: a.io.out, json: *asJSON}
		started := func(backends, sandboxes, convs int) {
			a.warnf("watching %d backends: %d sandboxes, %d conversations; changes follow", backends, sandboxes, convs)
		}
		w.warn = func(msg string) { a.warnf("%s", msg) }
		return watchChanges(ctx, backend.NewHub(bs...), a.Conversations(), w, convtab.DefaultRefresh, started)
	}
}

// watchChanges runs the detector over every backend's snapshots and, at
// the dashboard's pace, over the conversation lists of the running
// sandboxes (one list per sandbox per interval, as the dashboard's
// fleet-wide list). The detector's memory outlives every reconnect: a
// source that comes back is compared with the last state seen, so a
// change during the outage is printed once and nothing is repeated.
// Writes block (a slow reader slows the watching down; nothing is
// dropped). It returns errInterrupted when ctx is done.
//
// started is called once, after the first conversation listing (which
// follows the first live snapshot at once): from then on every change is
// printed.
func watchChanges(ctx context.Context, hub *backend.Hub, convs backend.FleetConversationLister, w *changeWriter, every time.Duration,
	started func(backends, sandboxes, convs int)) error {
	det := alert.NewDetector(nil)
	snaps := hub.Watch(ctx)
	latest := map[string]backend.Snapshot{}
	// The timer is armed by the first live snapshot: the baseline of the
	// conversations is taken right after the sandboxes'.
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	armed, rounds := false, 0
	for {
		select {
		case <-ctx.Done():
			return errInterrupted
		case s, ok := <-snaps:
			if !ok {
				return errInterrupted
			}
			latest[s.Source] = s
			if err := w.write(det.Sandboxes(s)); err != nil {
				return err
			}
			if !armed && s.Listed && s.Conn.Phase == backend.ConnLive {
				armed = true
				timer.Reset(0)
			}
		case <-timer.C:
			running := runningSandboxes(latest)
			n, refused, err := listConversations(ctx, convs, running, det, w, every)
			if err != nil {
				return err
			}
			rounds++
			// A sandbox seen before its key was read is refused at
			// first; its baseline comes with the next round.
			if started != nil && (refused == 0 || rounds >= 3) {
				started(len(latest), len(running), n)
				started = nil
			}
			timer.Reset(max(every, time.Duration(len(running))*convtab.PerSandboxPace))
		}
	}
}

// listConversations reads the running sandboxes' conversation lists (one
// each) and prints the changes; it returns how many it listed, and how
// many sandboxes refused the session key.
func listConversations(ctx context.Context, convs backend.FleetConversationLister, running []backend.Sandbox, det *alert.Detector, w *changeWriter,
	every time.Duration) (n, refused int, err error) {
	if len(running) == 0 {
		return 0, 0, nil
	}
	lctx, cancel := context.WithTimeout(ctx, max(every, 30*time.Second))
	res := convs.AllConversations(lctx, running)
	cancel()
	for _, r := range res {
		w.listed(r)
		if errors.Is(r.Err, backend.ErrUnauthorized) {
			refused++
		}
		if r.Err != nil {
			continue // not gone: compared with the next good listing
		}
		n += len(r.Conversations)
		if err := w.write(det.Conversations(r.Sandbox, r.Conversations)); err != nil {
			return n, refused, err
		}
	}
	return n, refused, nil
}

// runningSandboxes are the sandboxes whose agent-servers can answer, from
// the last live snapshot of each source.
func runningSandboxes(latest map[string]backend.Snapshot) []backend.Sandbox {
	var out []backend.Sandbox
	for _, s := range latest {
		for _, sb := range s.Sandboxes {
			if sb.Status == backend.StatusRunning {
				out = append(out, sb)
			}
		}
	}
	return out
}

// changeWriter prints alerts: one JSON object per line, or one aligned,
// sanitised line.
type changeWriter struct {
	w    io.Writer
	json bool
	// warn says on stderr that a sandbox's conversations could not be
	// listed, once until they can again (failing says which do).
	warn    func(string)
	failing map[string]string
}

// listed reports a sandbox's listing failing, or answering again.
func (cw *changeWriter) listed(r backend.SandboxConversations) {
	if cw.warn == nil {
		return
	}
	if cw.failing == nil {
		cw.failing = map[string]string{}
	}
	k := r.Sandbox.Key()
	was, failed := cw.failing[k]
	switch {
	case r.Err != nil && was != r.Err.Error():
		cw.failing[k] = r.Err.Error()
		cw.warn(fmt.Sprintf("conversations of %s: %v (changes are picked up when it answers)", r.Sandbox.ID, r.Err))
	case r.Err == nil && failed:
		delete(cw.failing, k)
		cw.warn(fmt.Sprintf("conversations of %s: listed again", r.Sandbox.ID))
	}
}

func (cw *changeWriter) write(as []alert.Alert) error {
	for _, a := range as {
		var line []byte
		if cw.json {
			b, err := alert.JSON(a)
			if err != nil {
				return err
			}
			line = append(b, '\n')
		} else {
			line = []byte(plainChange(a.Clean()) + "\n")
		}
		if _, err := cw.w.Write(line); err != nil {
			return fmt.Errorf("writing a change: %w", err)
		}
	}
	return nil
}

// plainChange is one line: time, kind, backend, then what happened and
// the transition. The alert is cleaned already.
func plainChange(a alert.Alert) string {
	from := a.From
	if from == "" {
		from = "new"
	}
	return fmt.Sprintf("%s  %-24s  %-10s  %s (%s → %s)", a.Time.Format(time.RFC3339), a.Kind, a.Backend, a.Text(), from, a.To)
}

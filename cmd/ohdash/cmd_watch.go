package main

import (
	"context"
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
		return watchChanges(ctx, backend.NewHub(bs...), a.Conversations(), w, convtab.DefaultRefresh)
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
func watchChanges(ctx context.Context, hub *backend.Hub, convs backend.FleetConversationLister, w *changeWriter, every time.Duration) error {
	det := alert.NewDetector(nil)
	snaps := hub.Watch(ctx)
	latest := map[string]backend.Snapshot{}
	timer := time.NewTimer(every)
	defer timer.Stop()
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
		case <-timer.C:
			running := runningSandboxes(latest)
			if len(running) > 0 {
				lctx, cancel := context.WithTimeout(ctx, max(every, 30*time.Second))
				res := convs.AllConversations(lctx, running)
				cancel()
				for _, r := range res {
					if r.Err != nil {
						continue // not gone: compared with the next good listing
					}
					if err := w.write(det.Conversations(r.Sandbox, r.Conversations)); err != nil {
						return err
					}
				}
			}
			timer.Reset(max(every, time.Duration(len(running))*convtab.PerSandboxPace))
		}
	}
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

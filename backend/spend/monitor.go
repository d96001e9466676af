package spend

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
)

// AlertSink receives budget alerts (alert.Budget). It is the seam to the
// alert dispatcher: the dashboard and the command line connect it to the
// configured channels. Alert may be called from any goroutine.
type AlertSink interface {
	Alert(alert.Alert)
}

// SinkFunc adapts a function to an AlertSink.
type SinkFunc func(alert.Alert)

// Alert calls f.
func (f SinkFunc) Alert(a alert.Alert) { f(a) }

// Pauser pauses a conversation. Give it the guarded conversation service:
// each pause is then audited, and refused (and audited) in read-only mode.
type Pauser interface {
	Pause(ctx context.Context, sb backend.Sandbox, id string) error
}

// Monitor turns refreshed conversation lists into snapshots, checks the
// budget and acts on crossings. Its fields are set once; it is safe for
// use by one snapshot at a time.
type Monitor struct {
	History *History
	Budget  Budget
	// Sink is told of each budget crossing once; nil tells no one (the
	// caller still gets Result.Fresh to show).
	Sink AlertSink
	// Pauser pauses running conversations when Budget.PauseWhenCrossed;
	// nil never pauses.
	Pauser Pauser
	// Top caps Result.Summary.Top (default 20).
	Top int
}

// Result is one snapshot's outcome.
type Result struct {
	Summary Summary
	// Added is what the snapshot recorded as spent since the previous one.
	Added Spent
	// Report is the history read back after recording (Since: Result's
	// since argument).
	Report Report
	// Crossed lists every budget the spend is over; Fresh those crossed
	// since the previous snapshot (alerted through Sink).
	Crossed, Fresh []Crossing
	// Paused lists "sandbox/conversation" paused because of a crossing;
	// PauseErrs why others were not (read-only mode among them).
	Paused    []string
	PauseErrs []error
	// Failed lists the sandboxes that could not be listed: their
	// conversations are missing from Summary and add nothing to history.
	Failed []backend.SandboxConversations
}

// Snapshot summarises lists, records them in the history, reads the
// history since since, and raises (and, if configured, acts on) fresh
// budget crossings. Without a History it only summarises.
func (m *Monitor) Snapshot(ctx context.Context, now time.Time, since time.Time, lists []backend.SandboxConversations) (Result, error) {
	var res Result
	var convs []backend.Conversation
	for _, l := range lists {
		if l.Err != nil {
			res.Failed = append(res.Failed, l)
			continue
		}
		convs = append(convs, l.Conversations...)
	}
	top := m.Top
	if top <= 0 {
		top = 20
	}
	res.Summary = Summarise(convs, top)
	if m.History == nil {
		return res, nil
	}
	var err error
	if res.Added, err = m.History.Record(ctx, now, convs); err != nil {
		return res, err
	}
	if res.Report, err = m.History.Read(ctx, now, since); err != nil {
		return res, err
	}
	res.Crossed = m.Budget.Check(res.Report, now)
	if res.Fresh, err = m.History.Fresh(ctx, now, res.Crossed); err != nil {
		return res, err
	}
	for _, c := range res.Fresh {
		if m.Sink != nil {
			m.Sink.Alert(c.Alert(now))
		}
		if m.Budget.PauseWhenCrossed && m.Pauser != nil {
			m.pauseScope(ctx, c, lists, &res)
		}
	}
	return res, nil
}

// pauseScope pauses the running conversations in the crossed budget's
// scope, one guarded call each.
func (m *Monitor) pauseScope(ctx context.Context, c Crossing, lists []backend.SandboxConversations, res *Result) {
	for _, l := range lists {
		if l.Err != nil || (c.Backend != "" && l.Sandbox.Source != c.Backend) {
			continue
		}
		for _, conv := range l.Conversations {
			if conv.Status != backend.ExecRunning {
				continue
			}
			err := m.Pauser.Pause(ctx, l.Sandbox, conv.ID)
			if err != nil {
				res.PauseErrs = append(res.PauseErrs, fmt.Errorf("pausing %s in %s: %w", conv.ID, l.Sandbox.ID, err))
				if errors.Is(err, backend.ErrReadOnly) {
					// Every other pause would be refused the same way.
					return
				}
				continue
			}
			res.Paused = append(res.Paused, l.Sandbox.ID+"/"+conv.ID)
		}
	}
}

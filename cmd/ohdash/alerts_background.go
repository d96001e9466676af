package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/ui/convtab"
)

// fleetView is the last live snapshot of each source, kept from the hub's
// stream for the background conversation listing (it reads no engine of
// its own).
type fleetView struct {
	mu     sync.Mutex
	latest map[string]backend.Snapshot
}

func (v *fleetView) observe(s backend.Snapshot) {
	if !s.Listed || s.Conn.Phase != backend.ConnLive {
		return
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.latest == nil {
		v.latest = map[string]backend.Snapshot{}
	}
	v.latest[s.Source] = s
}

func (v *fleetView) running() []backend.Sandbox {
	v.mu.Lock()
	defer v.mu.Unlock()
	return runningSandboxes(v.latest)
}

// convAlertsWanted reports whether the dashboard must list conversations
// when no tab does: a channel that reaches a person (bell, notification,
// hook) is on and a conversation kind passes the filter. Without it,
// conversation alerts would come only while the conversations tab shows
// all sandboxes — and nobody watches that tab all day.
func convAlertsWanted(d *alert.Dispatcher, reaches bool) bool {
	if !reaches {
		return false
	}
	for _, k := range []alert.Kind{alert.ConvWaiting, alert.ConvError, alert.ConvStuck, alert.ConvFinished} {
		if d.Wants(k) {
			return true
		}
	}
	return false
}

// listConvsForAlerts lists every running sandbox's conversations at the
// pace of `ohdash watch` and hands them to the detector, until ctx is
// done. A round is skipped when a fleet-wide listing (the conversations
// tab showing all sandboxes) went through the detector within the
// interval: the agent-servers are asked no more often than the tab asks.
func listConvsForAlerts(ctx context.Context, view *fleetView, lister backend.FleetConversationLister, tap alert.Tap,
	lastFleet *atomic.Int64, every time.Duration) {
	timer := time.NewTimer(every)
	defer timer.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-timer.C:
		}
		running := view.running()
		pace := max(every, time.Duration(len(running))*convtab.PerSandboxPace)
		if last := lastFleet.Load(); last == 0 || time.Since(time.Unix(0, last)) >= pace {
			if len(running) > 0 {
				lctx, cancel := context.WithTimeout(ctx, max(every, 30*time.Second))
				tap.Fleet(lister.AllConversations(lctx, running))
				cancel()
				lastFleet.Store(time.Now().UnixNano())
			}
		}
		timer.Reset(pace)
	}
}

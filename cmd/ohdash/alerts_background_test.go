package main

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/backend/fake"
)

type alertLog struct {
	mu  sync.Mutex
	got []alert.Alert
}

func (l *alertLog) Notify(a alert.Alert) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.got = append(l.got, a)
}

func (l *alertLog) kinds() []alert.Kind {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []alert.Kind
	for _, a := range l.got {
		out = append(out, a.Kind)
	}
	return out
}

// TestFaultConvAlertsWithoutTheConversationsTab: the dashboard used to
// detect conversation changes only while the conversations tab was shown
// (and then only for the selected sandbox), so a person on the sandboxes
// tab was never told an agent waits for them. With a channel that reaches
// a person on, the running sandboxes' lists are read in the background at
// the watch's pace; waiting → running → waiting alerts twice; a round is
// skipped while the tab lists the fleet itself.
func TestFaultConvAlertsWithoutTheConversationsTab(t *testing.T) {
	run := backend.Sandbox{ID: "oh-agent-server-a", Status: backend.StatusRunning, Health: backend.Health{State: backend.HealthOK}}
	hub := backend.NewHub(fake.New("docker", run))
	log := &alertLog{}
	tap := alert.Tap{D: alert.NewDetector(nil), N: log}
	view := &fleetView{}
	hub.Observe(func(s backend.Snapshot) { tap.Snapshot(s); view.observe(s) })
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	snaps := hub.Watch(ctx)
	go func() {
		for range snaps {
		}
	}()
	convs := &scriptedConvs{status: backend.ExecRunning}
	lastFleet := &atomic.Int64{}
	go listConvsForAlerts(ctx, view, convs, tap, lastFleet, 20*time.Millisecond)
	convs.waitCalls(t, 2)
	for _, st := range []backend.ExecutionStatus{backend.ExecWaitingForConfirmation, backend.ExecRunning, backend.ExecWaitingForConfirmation} {
		convs.set(st, nil)
		convs.waitCalls(t, 2)
	}
	if k := log.kinds(); len(k) != 2 || k[0] != alert.ConvWaiting || k[1] != alert.ConvWaiting {
		t.Fatalf("alerts %v, want two waiting", k)
	}
	// The tab lists the whole fleet itself: the background rounds pause.
	stop := make(chan struct{})
	go func() {
		for {
			select {
			case <-stop:
				return
			default:
				lastFleet.Store(time.Now().UnixNano())
				time.Sleep(5 * time.Millisecond)
			}
		}
	}()
	time.Sleep(50 * time.Millisecond)
	n := convs.count()
	time.Sleep(150 * time.Millisecond)
	close(stop)
	if m := convs.count(); m > n {
		t.Errorf("listed %d times while the tab listed the fleet", m-n)
	}

	d := func(kinds ...alert.Kind) *alert.Dispatcher { return alert.NewDispatcher(alert.Options{Kinds: kinds}) }
	if convAlertsWanted(d(), false) || convAlertsWanted(d(alert.Budget, alert.SandboxDied), true) || !convAlertsWanted(d(alert.ConvFinished), true) {
		t.Error("convAlertsWanted")
	}
}

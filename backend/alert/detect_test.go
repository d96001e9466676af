package alert

import (
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

var t0 = time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)

func sb(id string, st backend.Status, h backend.HealthState, raw, detail string) backend.Sandbox {
	return backend.Sandbox{ID: id, Source: "docker", Status: st, Health: backend.Health{State: h}, RawState: raw, StatusDetail: detail}
}

func live(sbs ...backend.Sandbox) backend.Snapshot {
	return backend.Snapshot{Source: "docker", Listed: true, Conn: backend.ConnState{Phase: backend.ConnLive}, Sandboxes: sbs}
}

func down(sbs ...backend.Sandbox) backend.Snapshot {
	s := live(sbs...)
	s.Conn.Phase = backend.ConnReconnecting
	return s
}

var (
	running   = sb("a", backend.StatusRunning, backend.HealthOK, "running", "")
	failing   = sb("a", backend.StatusRunning, backend.HealthFailing, "running", "")
	dockerErr = sb("a", backend.StatusError, backend.HealthFailing, "running", "health check failing")
	exited0   = sb("a", backend.StatusPaused, backend.HealthNone, "exited", "exited (code 0)")
	exited137 = sb("a", backend.StatusPaused, backend.HealthNone, "exited", "exited (code 137)")
	oom       = sb("a", backend.StatusPaused, backend.HealthNone, "exited", "exited (code 0, out of memory)")
	dead      = sb("a", backend.StatusError, backend.HealthNone, "dead", "dead")
	missing   = sb("a", backend.StatusMissing, backend.HealthNone, "removing", "")
	paused    = sb("a", backend.StatusPaused, backend.HealthNone, "paused", "paused")
	exited    = sb("a", backend.StatusPaused, backend.HealthNone, "exited", "exited")
)

func TestDetectorSandboxes(t *testing.T) {
	tests := []struct {
		name  string
		snaps []backend.Snapshot
		want  []Kind
	}{
		{"baseline raises nothing", []backend.Snapshot{live(exited137)}, nil},
		{"unlisted and not live snapshots are ignored", []backend.Snapshot{{Source: "docker"}, down(), live(running), down(), live(running)}, nil},
		{"clean exit is stopped", []backend.Snapshot{live(running), live(exited0)}, []Kind{SandboxStopped}},
		{"paused is stopped", []backend.Snapshot{live(running), live(paused)}, []Kind{SandboxStopped}},
		{"non-zero exit died", []backend.Snapshot{live(running), live(exited137)}, []Kind{SandboxDied}},
		{"out of memory died", []backend.Snapshot{live(running), live(oom)}, []Kind{SandboxDied}},
		{"dead container died", []backend.Snapshot{live(running), live(dead)}, []Kind{SandboxDied}},
		{"missing died", []backend.Snapshot{live(running), live(missing)}, []Kind{SandboxDied}},
		{"health failing is unhealthy", []backend.Snapshot{live(running), live(failing)}, []Kind{SandboxUnhealthy}},
		{"docker ERROR while running is unhealthy", []backend.Snapshot{live(running), live(dockerErr)}, []Kind{SandboxUnhealthy}},
		{"one alert per change, not per refresh", []backend.Snapshot{live(running), live(exited0), live(exited0), live(exited0)}, []Kind{SandboxStopped}},
		{"reconnect with the same state raises nothing", []backend.Snapshot{live(running), down(), down(running), live(running)}, nil},
		{"a change during an outage is raised once", []backend.Snapshot{live(running), down(running), live(exited137), live(exited137)}, []Kind{SandboxDied}},
		{"paused to resumed raises nothing", []backend.Snapshot{live(paused), live(running)}, nil},
		{"each change again", []backend.Snapshot{live(running), live(exited0), live(running), live(exited0)}, []Kind{SandboxStopped, SandboxStopped}},
		{"a new sandbox is its own baseline", []backend.Snapshot{live(), live(exited137)}, nil},
		{"an exit code not known yet waits for it (died)", []backend.Snapshot{live(running), live(exited), live(exited137), live(exited137)}, []Kind{SandboxDied}},
		{"an exit code not known yet waits for it (stopped)", []backend.Snapshot{live(running), live(exited), live(exited), live(exited0)}, []Kind{SandboxStopped}},
		{"removed and recreated is new", []backend.Snapshot{live(instance(running, "c1")), live(), live(instance(exited137, "c2"))}, nil},
		{"missing from one listing is not removed", []backend.Snapshot{live(running), live(), live(exited137)}, []Kind{SandboxDied}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDetector(func() time.Time { return t0 })
			var got []Kind
			for _, s := range tc.snaps {
				for _, a := range d.Sandboxes(s) {
					got = append(got, a.Kind)
					if a.Time != t0 || a.Backend != "docker" || a.Sandbox != "a" || a.To == "" || a.From == "" {
						t.Errorf("alert fields: %+v", a)
					}
				}
			}
			if !equalKinds(got, tc.want) {
				t.Errorf("kinds = %v, want %v", got, tc.want)
			}
		})
	}
}

func TestDetectorSandboxFromTo(t *testing.T) {
	d := NewDetector(nil)
	d.Sandboxes(live(running))
	got := d.Sandboxes(live(exited137))
	if len(got) != 1 || got[0].From != "RUNNING" || got[0].To != "PAUSED" || got[0].Title != "exited (code 137)" {
		t.Fatalf("got %+v", got)
	}
}

func instance(s backend.Sandbox, id string) backend.Sandbox {
	s.Instance = id
	return s
}

func conv(id string, st backend.ExecutionStatus) backend.Conversation {
	return backend.Conversation{ID: id, SandboxID: "a", Source: "docker", Status: st, Title: "t-" + id}
}

func TestDetectorConversations(t *testing.T) {
	type listing []backend.Conversation
	tests := []struct {
		name     string
		listings []listing
		want     []Kind
	}{
		{"baseline raises nothing", []listing{{conv("1", backend.ExecWaitingForConfirmation)}}, nil},
		{"into waiting", []listing{{conv("1", backend.ExecRunning)}, {conv("1", backend.ExecWaitingForConfirmation)}}, []Kind{ConvWaiting}},
		{"every alerting status", []listing{
			{conv("1", backend.ExecRunning), conv("2", backend.ExecRunning), conv("3", backend.ExecRunning), conv("4", backend.ExecRunning)},
			{conv("1", backend.ExecError), conv("2", backend.ExecStuck), conv("3", backend.ExecFinished), conv("4", backend.ExecPaused)},
		}, []Kind{ConvError, ConvStuck, ConvFinished}},
		{"dedupe across refreshes", []listing{{conv("1", backend.ExecRunning)}, {conv("1", backend.ExecFinished)}, {conv("1", backend.ExecFinished)}}, []Kind{ConvFinished}},
		{"a new conversation already waiting", []listing{{}, {conv("9", backend.ExecWaitingForConfirmation)}}, []Kind{ConvWaiting}},
		{"waiting, running, waiting again", []listing{
			{conv("1", backend.ExecRunning)}, {conv("1", backend.ExecWaitingForConfirmation)},
			{conv("1", backend.ExecRunning)}, {conv("1", backend.ExecWaitingForConfirmation)},
		}, []Kind{ConvWaiting, ConvWaiting}},
	}
	box := backend.Sandbox{ID: "a", Source: "docker"}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := NewDetector(nil)
			var got []Kind
			for _, l := range tc.listings {
				for _, a := range d.Conversations(box, l) {
					got = append(got, a.Kind)
					if a.Conversation == "" || a.Title != "t-"+a.Conversation || a.Sandbox != "a" {
						t.Errorf("alert fields: %+v", a)
					}
				}
			}
			if !equalKinds(got, tc.want) {
				t.Errorf("kinds = %v, want %v", got, tc.want)
			}
		})
	}
}

// A failed listing is not passed to the detector (Tap.Fleet skips it), so
// the next good one compares with the last known state: the change made
// during the outage is raised once, a same-state relist raises nothing.
func TestTapFleetSkipsFailedListings(t *testing.T) {
	var got []Alert
	tap := Tap{D: NewDetector(nil), N: notifyFunc(func(a Alert) { got = append(got, a) })}
	box := backend.Sandbox{ID: "a", Source: "docker"}
	ok := func(cs ...backend.Conversation) []backend.SandboxConversations {
		return []backend.SandboxConversations{{Sandbox: box, Conversations: cs}}
	}
	fail := []backend.SandboxConversations{{Sandbox: box, Err: backend.ErrUnavailable}}
	tap.Fleet(ok(conv("1", backend.ExecRunning)))
	tap.Fleet(fail)
	tap.Fleet(ok(conv("1", backend.ExecWaitingForConfirmation)))
	tap.Fleet(fail)
	tap.Fleet(ok(conv("1", backend.ExecWaitingForConfirmation)))
	if len(got) != 1 || got[0].From != "running" || got[0].To != "waiting_for_confirmation" {
		t.Fatalf("got %+v", got)
	}
}

type notifyFunc func(Alert)

func (f notifyFunc) Notify(a Alert) { f(a) }

func equalKinds(a, b []Kind) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

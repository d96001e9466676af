package alert

import (
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// A sandbox whose agent-server answers every other refresh with an empty
// (or partial) list — overloaded, restarting, a proxy in front of it —
// must not raise an alert per flap: a conversation that drops out of one
// listing and comes back in the state it had is no change.
func TestFaultConversationListFlaps(t *testing.T) {
	d := NewDetector(nil)
	box := backend.Sandbox{ID: "a", Source: "docker"}
	waiting := conv("1", backend.ExecWaitingForConfirmation)
	other := conv("2", backend.ExecRunning)
	var got []Alert
	got = append(got, d.Conversations(box, []backend.Conversation{conv("1", backend.ExecRunning), other})...)
	got = append(got, d.Conversations(box, []backend.Conversation{waiting, other})...)
	for range 10 {
		got = append(got, d.Conversations(box, nil)...)
		got = append(got, d.Conversations(box, []backend.Conversation{other})...)
		got = append(got, d.Conversations(box, []backend.Conversation{waiting, other})...)
	}
	if len(got) != 1 || got[0].Kind != ConvWaiting {
		t.Fatalf("want one waiting alert, got %d: %+v", len(got), got)
	}
	// A real change after the flapping is still raised once.
	got = d.Conversations(box, []backend.Conversation{conv("1", backend.ExecFinished), other})
	if len(got) != 1 || got[0].Kind != ConvFinished || got[0].From != "waiting_for_confirmation" {
		t.Fatalf("after flapping: %+v", got)
	}
}

// A sandbox that drops out of every other live snapshot (a remote runtime
// listing that flaps) raises nothing itself, and neither do its
// conversations when it comes back; a change made meanwhile is raised.
func TestFaultSandboxListFlaps(t *testing.T) {
	d := NewDetector(nil)
	box := running
	var got []Alert
	got = append(got, d.Sandboxes(live(box))...)
	got = append(got, d.Conversations(box, []backend.Conversation{conv("1", backend.ExecRunning)})...)
	for range 5 {
		got = append(got, d.Sandboxes(live())...)
		got = append(got, d.Sandboxes(live(box))...)
		got = append(got, d.Conversations(box, []backend.Conversation{conv("1", backend.ExecRunning)})...)
	}
	if len(got) != 0 {
		t.Fatalf("flapping raised %+v", got)
	}
	d.Sandboxes(live())
	d.Sandboxes(live(box))
	got = d.Conversations(box, []backend.Conversation{conv("1", backend.ExecWaitingForConfirmation)})
	if len(got) != 1 || got[0].Kind != ConvWaiting {
		t.Fatalf("change across a flap: %+v", got)
	}
}

// TestFaultNewSandboxFirstListing: a sandbox created while ohdash watches
// (`ohdash new` in another terminal) whose conversation reaches
// waiting_for_confirmation before its first listing raises the alert: its
// conversations are all new, unlike those of a sandbox in the first
// snapshot (the baseline) or one that was paused and resumed.
func TestFaultNewSandboxFirstListing(t *testing.T) {
	d := NewDetector(nil)
	old := running
	fresh := sb("b", backend.StatusRunning, backend.HealthOK, "running", "")
	d.Sandboxes(live(old))
	d.Sandboxes(live(old, fresh))
	if got := d.Conversations(old, []backend.Conversation{conv("1", backend.ExecWaitingForConfirmation)}); len(got) != 0 {
		t.Fatalf("baseline sandbox's first listing raised %+v", got)
	}
	got := d.Conversations(fresh, []backend.Conversation{conv("2", backend.ExecWaitingForConfirmation), conv("3", backend.ExecRunning)})
	if len(got) != 1 || got[0].Conversation != "2" || got[0].Kind != ConvWaiting {
		t.Fatalf("new sandbox's first listing raised %+v", got)
	}
	if got := d.Conversations(fresh, []backend.Conversation{conv("2", backend.ExecWaitingForConfirmation), conv("3", backend.ExecRunning)}); len(got) != 0 {
		t.Fatalf("relisted: %+v", got)
	}
	// A sandbox paused at the baseline and resumed later: its old
	// finished conversations are not news.
	d2 := NewDetector(nil)
	d2.Sandboxes(live(paused))
	d2.Sandboxes(live(running))
	if got := d2.Conversations(running, []backend.Conversation{conv("1", backend.ExecFinished)}); len(got) != 0 {
		t.Fatalf("resumed sandbox's first listing raised %+v", got)
	}
}

// TestFaultExitCodeNeverKnown: an engine that never reports the exit code
// of a container seen exited (its inspect keeps failing) must not swallow
// the alert: after a few snapshots it is raised, as stopped, once.
func TestFaultExitCodeNeverKnown(t *testing.T) {
	d := NewDetector(nil)
	var got []Alert
	got = append(got, d.Sandboxes(live(running))...)
	for range 10 {
		got = append(got, d.Sandboxes(live(exited))...)
	}
	if len(got) != 1 || got[0].Kind != SandboxStopped {
		t.Fatalf("got %+v, want one stopped", got)
	}
}

// TestFaultDuplicateConversationInAListing: a server that ignores the
// page parameter (or overlaps its pages) lists one conversation twice,
// in two states (one stale). That must not raise an alert on every
// refresh: the first row of an id counts, the duplicates are ignored.
func TestFaultDuplicateConversationInAListing(t *testing.T) {
	d := NewDetector(nil)
	box := backend.Sandbox{ID: "a", Source: "docker"}
	d.Conversations(box, []backend.Conversation{conv("1", backend.ExecRunning)})
	var got []Alert
	for range 5 {
		got = append(got, d.Conversations(box, []backend.Conversation{
			conv("1", backend.ExecWaitingForConfirmation), conv("2", backend.ExecRunning), conv("1", backend.ExecRunning),
		})...)
	}
	if len(got) != 1 || got[0].Kind != ConvWaiting {
		t.Fatalf("got %d alerts: %+v", len(got), got)
	}
}

// TestFaultDuplicateSandboxInASnapshot: a runtime API that lists one
// sandbox twice, in two states, raises no alert per snapshot.
func TestFaultDuplicateSandboxInASnapshot(t *testing.T) {
	d := NewDetector(nil)
	d.Sandboxes(live(running))
	var got []Alert
	for range 5 {
		got = append(got, d.Sandboxes(live(exited137, running))...)
	}
	if len(got) != 1 || got[0].Kind != SandboxDied {
		t.Fatalf("got %d alerts: %+v", len(got), got)
	}
}

// A sandbox created long before the baseline that comes back after being
// forgotten (missing from many listings) is not new: its old finished
// conversations raise nothing.
func TestFaultLongMissingSandboxIsNotNew(t *testing.T) {
	d := NewDetector(func() time.Time { return t0 })
	old := running
	old.CreatedAt = t0.Add(-48 * time.Hour)
	d.Sandboxes(live(old))
	for range forgetAfter + 1 {
		d.Sandboxes(live())
	}
	d.Sandboxes(live(old))
	if got := d.Conversations(old, []backend.Conversation{conv("1", backend.ExecFinished)}); len(got) != 0 {
		t.Fatalf("raised %+v", got)
	}
}

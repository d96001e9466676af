package prune

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func sb(status backend.Status, age time.Duration) backend.Sandbox {
	s := backend.Sandbox{ID: "oh-agent-server-abc", Prefix: "oh-agent-server-", Status: status}
	if age >= 0 {
		s.CreatedAt = now.Add(-age)
	}
	return s
}

func TestDecide(t *testing.T) {
	seen := Activity{Last: now.Add(-3 * time.Hour), Known: true}
	fresh := Activity{Last: now.Add(-time.Minute), Known: true}
	cases := []struct {
		name   string
		p      Policy
		src    string
		s      backend.Sandbox
		act    Activity
		want   bool
		reason string
	}{
		{"status selected", Policy{Statuses: []backend.Status{backend.StatusError}}, "docker", sb(backend.StatusError, time.Hour), Activity{}, true, "status ERROR"},
		{"status not selected", Policy{Statuses: []backend.Status{backend.StatusError}}, "docker", sb(backend.StatusRunning, time.Hour), Activity{}, false, "status RUNNING not selected"},
		{"old enough", Policy{OlderThan: 24 * time.Hour}, "docker", sb(backend.StatusPaused, 25*time.Hour), Activity{}, true, "older than 24h0m0s"},
		{"too young", Policy{OlderThan: 24 * time.Hour}, "docker", sb(backend.StatusPaused, 23*time.Hour), Activity{}, false, "younger than"},
		{"age unknown", Policy{OlderThan: time.Hour}, "docker", sb(backend.StatusPaused, -1), Activity{}, false, "creation time unknown"},
		{"idle", Policy{Idle: 2 * time.Hour}, "docker", sb(backend.StatusRunning, 5*time.Hour), seen, true, "idle for 2h0m0s or more"},
		{"active", Policy{Idle: 2 * time.Hour}, "docker", sb(backend.StatusRunning, 5*time.Hour), fresh, false, "active within"},
		{"idle unmeasurable", Policy{Idle: 2 * time.Hour}, "docker", sb(backend.StatusRunning, 5*time.Hour), Activity{Why: "no logs"}, false, "idleness cannot be measured (no logs)"},
		{"no prefix", Policy{Statuses: []backend.Status{backend.StatusError}}, "docker", backend.Sandbox{ID: "my-postgres", Status: backend.StatusError}, Activity{}, false, "no known sandbox prefix"},
		{"prefix not matching id", Policy{Statuses: []backend.Status{backend.StatusError}}, "docker", backend.Sandbox{ID: "my-postgres", Prefix: "oh-agent-server-", Status: backend.StatusError}, Activity{}, false, "no known sandbox prefix"},
		{"bare prefix", Policy{Statuses: []backend.Status{backend.StatusError}}, "docker", backend.Sandbox{ID: "oh-agent-server-", Prefix: "oh-agent-server-", Status: backend.StatusError}, Activity{}, false, "no known sandbox prefix"},
		{"other backend", Policy{Statuses: []backend.Status{backend.StatusError}, Backends: []string{"podman"}}, "docker", sb(backend.StatusError, time.Hour), Activity{}, false, "backend docker not selected"},
		{"all rules hold", Policy{Statuses: []backend.Status{backend.StatusRunning}, OlderThan: time.Hour, Idle: time.Hour}, "docker", sb(backend.StatusRunning, 5*time.Hour), seen, true, "status RUNNING, older than 1h0m0s, idle for 1h0m0s or more"},
		{"pause a paused one", Policy{Statuses: []backend.Status{backend.StatusPaused}, Action: backend.ActionPause}, "docker", sb(backend.StatusPaused, time.Hour), Activity{}, false, "only a running sandbox can be paused"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.p.Action == "" {
				c.p.Action = backend.ActionDelete
			}
			d := c.p.Decide(c.src, c.s, c.act, now)
			if d.Act != c.want || !strings.Contains(d.Reason, c.reason) {
				t.Fatalf("Decide = %v %q, want %v %q", d.Act, d.Reason, c.want, c.reason)
			}
		})
	}
}

func TestDecideMeasures(t *testing.T) {
	d := Policy{Idle: time.Hour, Action: backend.ActionDelete}.Decide("docker", sb(backend.StatusRunning, 2*time.Hour), Activity{Last: now.Add(-90 * time.Minute), Known: true}, now)
	if d.Age != 2*time.Hour || d.Idle != 90*time.Minute {
		t.Fatalf("age %v idle %v", d.Age, d.Idle)
	}
	d = Policy{OlderThan: time.Hour, Action: backend.ActionDelete}.Decide("docker", sb(backend.StatusRunning, -1), Activity{}, now)
	if d.Age != -1 || d.Idle != -1 {
		t.Fatalf("unknown age/idle must be -1: %v %v", d.Age, d.Idle)
	}
}

// prune alone never means "everything".
func TestValidate(t *testing.T) {
	if err := (Policy{Action: backend.ActionDelete}).Validate(); !errors.Is(err, ErrNoRule) {
		t.Fatalf("no rule: %v", err)
	}
	if err := (Policy{OlderThan: time.Hour, Action: "stop"}).Validate(); err == nil {
		t.Fatal("unknown action accepted")
	}
	if err := (Policy{Statuses: []backend.Status{backend.StatusPaused}, OlderThan: -time.Hour, Action: backend.ActionDelete}).Validate(); err == nil {
		t.Fatal("negative --older-than accepted")
	}
	if err := (Policy{Statuses: []backend.Status{backend.StatusPaused}, Idle: -time.Hour, Action: backend.ActionDelete}).Validate(); err == nil {
		t.Fatal("negative --idle accepted")
	}
	if err := (Policy{Idle: time.Hour, Action: backend.ActionPause}).Validate(); err != nil {
		t.Fatal(err)
	}
}

// TestFaultIdleServerClockBehind: an engine or agent-server whose clock
// runs hours behind ours dates every log line and event hours ago, so
// every sandbox looks idle. One whose agent-server reports a running
// conversation is working now: --idle keeps it.
func TestFaultIdleServerClockBehind(t *testing.T) {
	act := Activity{Last: now.Add(-3 * time.Hour), Known: true, Busy: "c1"}
	d := Policy{Idle: 2 * time.Hour, Action: backend.ActionDelete}.Decide("docker", sb(backend.StatusRunning, 5*time.Hour), act, now)
	if d.Act || !strings.Contains(d.Reason, "conversation c1 is running") {
		t.Fatalf("Decide = %v %q", d.Act, d.Reason)
	}
}

// TestFaultCreatedInTheFuture: an engine clock ahead of ours dates a
// sandbox's creation in the future. Its age is 0, never negative or
// wrapped: --older-than keeps it, and --idle with activity dated in the
// future keeps it too.
func TestFaultCreatedInTheFuture(t *testing.T) {
	future := sb(backend.StatusPaused, -1)
	future.CreatedAt = now.Add(72 * time.Hour)
	d := Policy{OlderThan: time.Hour, Action: backend.ActionDelete}.Decide("docker", future, Activity{}, now)
	if d.Act || d.Age != 0 {
		t.Fatalf("Decide = %+v", d)
	}
	d = Policy{Idle: time.Hour, Action: backend.ActionDelete}.Decide("docker", future, Activity{Last: now.Add(time.Hour), Known: true}, now)
	if d.Act || d.Idle != 0 {
		t.Fatalf("Decide = %+v", d)
	}
}

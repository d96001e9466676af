package docker

import (
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

func TestStateStatusMatchesOpenHands(t *testing.T) {
	cases := map[string]backend.Status{
		"running":    backend.StatusRunning,
		"paused":     backend.StatusPaused,
		"exited":     backend.StatusPaused, // resume restarts it; upstream changed this from MISSING
		"created":    backend.StatusStarting,
		"restarting": backend.StatusStarting,
		"removing":   backend.StatusMissing,
		"dead":       backend.StatusError,
		"":           backend.StatusError,
		"frozen":     backend.StatusError,
	}
	for state, want := range cases {
		if got := stateStatus(state); got != want {
			t.Errorf("stateStatus(%q) = %s, want %s", state, got, want)
		}
	}
}

func TestSandboxStatusCombinesHealthAndGrace(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	grace := 15 * time.Second
	justStarted := now.Add(-5 * time.Second)
	longAgo := now.Add(-time.Hour)
	ok := backend.Health{State: backend.HealthOK}
	failing := backend.Health{State: backend.HealthFailing, Detail: "connection refused"}
	cases := []struct {
		name       string
		in         statusInput
		want       backend.Status
		wantDetail string
	}{
		{"healthy", statusInput{State: "running", Health: ok, StartedAt: longAgo}, backend.StatusRunning, ""},
		{"failing after grace", statusInput{State: "running", Health: failing, StartedAt: longAgo}, backend.StatusError, "health check failing: connection refused"},
		{"failing within grace", statusInput{State: "running", Health: failing, StartedAt: justStarted}, backend.StatusStarting, "agent-server not answering yet (start-up grace)"},
		{"failing, start unknown", statusInput{State: "running", Health: failing}, backend.StatusError, "health check failing: connection refused"},
		{"unprobed within grace", statusInput{State: "running", StartedAt: justStarted}, backend.StatusStarting, "waiting for the first health check"},
		{"unprobed after grace", statusInput{State: "running", StartedAt: longAgo}, backend.StatusRunning, ""},
		{"no agent to probe", statusInput{State: "running", Health: backend.Health{State: backend.HealthNone}, StartedAt: justStarted}, backend.StatusRunning, ""},
		{"exited with code", statusInput{State: "exited", ExitCode: 137, ExitKnown: true}, backend.StatusPaused, "exited (code 137)"},
		{"exited OOM", statusInput{State: "exited", ExitCode: 137, ExitKnown: true, OOMKilled: true}, backend.StatusPaused, "exited (code 137, out of memory)"},
		{"exited, not inspected", statusInput{State: "exited"}, backend.StatusPaused, "exited"},
		{"paused ignores failing health", statusInput{State: "paused", Health: failing}, backend.StatusPaused, "paused"},
		{"dead", statusInput{State: "dead"}, backend.StatusError, "dead"},
		{"unknown state", statusInput{State: "hibernating"}, backend.StatusError, `unknown Docker state "hibernating"`},
	}
	for _, c := range cases {
		c.in.Grace, c.in.Now = grace, now
		got, detail := sandboxStatus(c.in)
		if got != c.want || detail != c.wantDetail {
			t.Errorf("%s: got %s %q, want %s %q", c.name, got, detail, c.want, c.wantDetail)
		}
	}
}

func TestExplainNamesWhatIsLost(t *testing.T) {
	b, err := New(Options{Host: "tcp://127.0.0.1:1", Spec: Spec{Image: "img:1"}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	sb := backend.Sandbox{ID: "oh-agent-server-x", RawState: "exited"}
	for a, want := range map[backend.Action]string{
		backend.ActionStart:  "img:1",
		backend.ActionPause:  "Nothing is lost",
		backend.ActionResume: "start from scratch",
		backend.ActionDelete: "openhands-workspace-oh-agent-server-x",
	} {
		if got := b.Explain(a, sb); !strings.Contains(got, want) {
			t.Errorf("Explain(%s) = %q, want it to mention %q", a, got, want)
		}
	}
}

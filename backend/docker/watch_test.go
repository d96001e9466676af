package docker

import (
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

func live(n int) func(backend.Snapshot) bool {
	return func(s backend.Snapshot) bool {
		return s.Listed && s.Conn.Phase == backend.ConnLive && len(s.Sandboxes) == n
	}
}

// allHealthy waits for n sandboxes, each inspected and probed OK.
func allHealthy(n int) func(backend.Snapshot) bool {
	return func(s backend.Snapshot) bool {
		if !live(n)(s) {
			return false
		}
		for _, sb := range s.Sandboxes {
			if sb.Health.State != backend.HealthOK || sb.StartedAt.IsZero() {
				return false
			}
		}
		return true
	}
}

func TestWatchReconnectsAfterTheEngineGoesAway(t *testing.T) {
	e := dockertest.New(t)
	proxy := dockertest.NewProxy(t)
	b := testBackend(t, e, proxy.Host())
	_, first := e.Run(t, dockertest.RunOptions{Ports: []int{8000}})
	_, second := e.Run(t, dockertest.RunOptions{Ports: []int{8000}})
	w := watch(t, b)
	waitFor(t, w, waitLong, "two healthy sandboxes", allHealthy(2))

	proxy.Close()
	lostAt := time.Now()
	s := waitFor(t, w, waitLong, "reconnecting", func(s backend.Snapshot) bool {
		return s.Conn.Phase == backend.ConnReconnecting
	})
	if !errors.Is(s.Conn.Err, backend.ErrUnavailable) || s.Conn.NextRetry.Before(s.Conn.Since) ||
		s.Conn.Since.Before(lostAt.Add(-time.Second)) || !s.Listed || len(s.Sandboxes) != 2 {
		t.Fatalf("while the engine is away the old list stays, marked stale: %s since %v next %v",
			describe(s), s.Conn.Since, s.Conn.NextRetry)
	}
	if d := s.Conn.Describe(time.Now()); !strings.HasPrefix(d, "reconnecting") {
		t.Errorf("Describe = %q", d)
	}

	// Change things while the watcher cannot see them.
	_, third := e.Run(t, dockertest.RunOptions{Ports: []int{8000}})
	secs := 1
	if _, err := e.Client.ContainerStop(t.Context(), first, stopOpts(secs)); err != nil {
		t.Fatal(err)
	}
	lists := proxy.Count("GET", "^/containers/json$")
	if err := proxy.Open(); err != nil {
		t.Fatal(err)
	}
	s = waitFor(t, w, waitLong, "live again with a full re-list", func(s backend.Snapshot) bool {
		sb, ok := find(s, first)
		_, ok3 := find(s, third)
		return live(3)(s) && ok && ok3 && sb.RawState == "exited"
	})
	if got := proxy.Count("GET", "^/containers/json$"); got <= lists {
		t.Errorf("no re-list after reconnect (%d list calls before, %d after)", lists, got)
	}
	if sb, _ := find(s, second); sb.Status != backend.StatusRunning {
		t.Errorf("untouched sandbox: %s", describe(s))
	}
	waitFor(t, w, waitLong, "the new sandbox healthy", hasStatus(third, backend.StatusRunning, backend.HealthOK))
}

func TestWatchWhenTheEngineIsDownAtStart(t *testing.T) {
	e := dockertest.New(t)
	proxy := dockertest.NewProxy(t)
	proxy.Close()
	b := testBackend(t, e, proxy.Host())
	e.Run(t, dockertest.RunOptions{Ports: []int{8000}})
	w := watch(t, b)
	s := waitFor(t, w, waitLong, "reconnecting before any list", func(s backend.Snapshot) bool {
		return s.Conn.Phase == backend.ConnReconnecting
	})
	if s.Listed || len(s.Sandboxes) != 0 || s.Conn.Attempt != 1 || s.Conn.Err == nil {
		t.Fatalf("unlisted snapshot expected: %s attempt %d", describe(s), s.Conn.Attempt)
	}
	// Let it fail once more, then bring the engine back.
	waitFor(t, w, waitLong, "a second attempt", func(s backend.Snapshot) bool { return s.Conn.Attempt >= 2 })
	if err := proxy.Open(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, w, waitLong, "live with the sandbox", allHealthy(1))
}

func TestWatchHealthFailureAfterGrace(t *testing.T) {
	e := dockertest.New(t)
	b := testBackend(t, e, "", func(o *Options) {
		o.StartupGrace = 3 * time.Second
		o.HealthTimeout = 500 * time.Millisecond
	})
	// The agent listens on 8999, but 8000 is what is published: the probe
	// can never succeed.
	_, name := e.Run(t, dockertest.RunOptions{Ports: []int{8000}, Cmd: []string{"--port", "8999"}})
	w := watch(t, b)
	s := waitFor(t, w, waitLong, "starting within grace", func(s backend.Snapshot) bool {
		sb, ok := find(s, name)
		return ok && sb.Health.State == backend.HealthFailing
	})
	sb, _ := find(s, name)
	if time.Since(sb.StartedAt) < 3*time.Second && sb.Status != backend.StatusStarting {
		t.Errorf("a failing probe within the grace period should read STARTING: %s", describe(s))
	}
	s = waitFor(t, w, waitLong, "error after grace", hasStatus(name, backend.StatusError, backend.HealthFailing))
	if sb, _ := find(s, name); !strings.HasPrefix(sb.StatusDetail, "health check failing") {
		t.Errorf("detail %q", sb.StatusDetail)
	}
}

func TestWatchFindsV0Runtimes(t *testing.T) {
	e := dockertest.New(t)
	const secret = "jwt-for-tests"
	conv := dockertest.RandomID(16)
	port := dockertest.FreePort(t)
	p := strconv.Itoa(port)
	_, name := e.Run(t, dockertest.RunOptions{
		Name:      e.V0Prefix + conv,
		Env:       map[string]string{"port": p, "SESSION_API_KEY": deriveV0Key(secret, conv), "VSCODE_PORT": "41234"},
		Cmd:       []string{"--port", p},
		HostPorts: map[int]int{port: port},
	})
	b := testBackend(t, e, "", func(o *Options) { o.JWTSecret = backend.NewSecret(secret) })
	w := watch(t, b)
	s := waitFor(t, w, waitLong, "V0 runtime healthy", hasStatus(name, backend.StatusRunning, backend.HealthOK))
	sb, _ := find(s, name)
	if sb.Flavor != backend.FlavorNestedV0 || sb.ConversationID != conv || sb.AgentURL() != "http://localhost:"+p {
		t.Errorf("V0 sandbox: flavor %s conv %q agent %q", sb.Flavor, sb.ConversationID, sb.AgentURL())
	}
	if sb.SessionAPIKey.Reveal() != deriveV0Key(secret, conv) {
		t.Error("V0 key should match the derived key")
	}
	for _, f := range sb.Details {
		if f.Name == "Session key" {
			t.Errorf("no key note expected when env and derivation agree: %q", f.Value)
		}
	}
	if u, ok := sb.URL(backend.URLVSCode); !ok || u.URL != "http://localhost:41234" {
		t.Errorf("V0 VSCode URL %+v", u)
	}
}

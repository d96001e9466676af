package docker

import (
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// notAnsweringWithin bounds how soon a frozen engine must show: a ping
// interval, the answer deadline, and slack for a loaded CI machine.
const notAnsweringWithin = pingInterval + backend.AnswerDeadline + 4*time.Second

// An engine that stops answering without closing anything (the proxy
// holds every byte, the event stream included) is reported as not
// answering within seconds, keeping the rows; once it answers again the
// watcher is live after a full re-list.
func TestFaultFrozenEngineIsNotAnswering(t *testing.T) {
	e := dockertest.New(t)
	proxy := dockertest.NewProxy(t)
	b := testBackend(t, e, proxy.Host())
	e.Run(t, dockertest.RunOptions{Ports: []int{8000}})
	w := watch(t, b)
	waitFor(t, w, waitLong, "one healthy sandbox", allHealthy(1))

	proxy.Freeze()
	frozeAt := time.Now()
	s := waitFor(t, w, notAnsweringWithin, "not answering", func(s backend.Snapshot) bool {
		return s.Conn.Phase == backend.ConnUnresponsive
	})
	t.Logf("frozen engine reported after %s as %q", time.Since(frozeAt).Round(100*time.Millisecond), s.Conn.Describe(time.Now()))
	if !s.Listed || len(s.Sandboxes) != 1 || !s.Conn.Stale() || s.Conn.LastAnswer.IsZero() {
		t.Fatalf("while frozen the last rows stay, marked stale: %s last answer %v", describe(s), s.Conn.LastAnswer)
	}
	if d := s.Conn.Describe(time.Now()); !strings.HasPrefix(d, "not answering for ") {
		t.Errorf("Describe = %q", d)
	}

	lists := proxy.Count("GET", "^/containers/json$")
	proxy.Thaw()
	waitFor(t, w, waitLong, "live again", live(1))
	if got := proxy.Count("GET", "^/containers/json$"); got <= lists {
		t.Errorf("no re-list after the engine answered again (%d list calls before, %d after)", lists, got)
	}
}

// A frozen engine at start-up: the first list hangs, and the state says
// so instead of "connecting…" for as long as the list timeout.
func TestFaultEngineFrozenAtStart(t *testing.T) {
	e := dockertest.New(t)
	proxy := dockertest.NewProxy(t)
	b := testBackend(t, e, proxy.Host())
	proxy.Freeze()
	w := watch(t, b)
	s := waitFor(t, w, notAnsweringWithin, "not answering", func(s backend.Snapshot) bool {
		return s.Conn.Phase == backend.ConnUnresponsive
	})
	if s.Listed || !s.Conn.LastAnswer.IsZero() {
		t.Fatalf("nothing was ever listed: %s", describe(s))
	}
	proxy.Thaw()
	waitFor(t, w, waitLong, "live", func(s backend.Snapshot) bool { return s.Listed && s.Conn.Phase == backend.ConnLive })
}

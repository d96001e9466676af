package ui

import (
	"context"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote"
	"github.com/ohdash/ohdash/backend/remote/store"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
	"github.com/ohdash/ohdash/theme"
)

// TestFaultDamagedStateFileSaidOnceInDashboard: a state file damaged under
// a running dashboard is moved aside by the store; the dashboard says so
// on its message line once (later snapshots carry the same notice), and
// keeps listing the sandboxes the runtime API still has.
func TestFaultDamagedStateFileSaidOnceInDashboard(t *testing.T) {
	const key = "ui-store-notice-key"
	sim := runtimeapi.New(runtimeapi.Config{APIKey: key, Seed: 5})
	sim.Seed(3, runtimeapi.Mix{})
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	path := filepath.Join(t.TempDir(), "remote.db")
	st, err := store.Open(ctx, path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	b, err := remote.New(remote.Options{Name: "eval", URL: srv.URL, APIKey: backend.NewSecret(key), Store: st, PollInterval: 100 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	m := New(ctx, Config{Hub: backend.NewHub(b), Theme: theme.New(true), FixedTheme: true})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 200, Height: 30})
	m = next.(Model)
	snaps := b.Watch(ctx)
	notices := 0 // snapshots that carried a notice
	feed := func(until func(backend.Snapshot) bool) {
		t.Helper()
		deadline := time.After(20 * time.Second)
		for {
			select {
			case s := <-snaps:
				if s.Notice != nil {
					notices++
					if !errors.Is(s.Notice, store.ErrDamaged) {
						t.Errorf("notice %v is not about the damaged store", s.Notice)
					}
				}
				next, _ := m.Update(snapshotMsg{snap: s, ch: nil})
				m = next.(Model)
				if until(s) {
					return
				}
			case <-deadline:
				t.Fatalf("gave up waiting; screen:\n%s", ansi.Strip(m.View().Content))
			}
		}
	}
	feed(func(s backend.Snapshot) bool { return s.Listed && len(s.Sandboxes) == 3 })
	if err := os.Truncate(path, 20000); err != nil {
		t.Fatal(err)
	}
	feed(func(backend.Snapshot) bool { return notices > 0 })
	view := ansi.Strip(m.View().Content)
	if !strings.Contains(view, "state file is damaged") || !strings.Contains(view, "eval") {
		t.Errorf("the message line does not say the state file was moved aside:\n%s", view)
	}
	m.msg = notice{} // as if it had faded
	more := 0
	feed(func(s backend.Snapshot) bool { more++; return more == 5 })
	if view := ansi.Strip(m.View().Content); strings.Contains(view, "state file is damaged") {
		t.Errorf("the notice was said again on a later snapshot:\n%s", view)
	}
	if got := len(m.snaps["eval"].Sandboxes); got != 3 {
		t.Errorf("%d sandboxes listed after the damage, want 3", got)
	}
}

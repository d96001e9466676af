package ui

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote"
	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
	"github.com/ohdash/ohdash/theme"
)

// The status bar of the real dashboard, fed by the real runtime API
// backend, says "not answering for Ns" within seconds of the API's
// connections freezing (open, silent), keeps the rows, and says "live"
// again once it answers.
func TestFaultFrozenAPIStatusBar(t *testing.T) {
	const key = "ui-liveness-key"
	sim := runtimeapi.New(runtimeapi.Config{APIKey: key, Seed: 3})
	sim.Seed(2, runtimeapi.Mix{})
	var fr faults.Freezer
	srv := httptest.NewUnstartedServer(sim)
	srv.Listener = fr.Listener(srv.Listener)
	srv.Start()
	t.Cleanup(srv.Close)
	t.Cleanup(fr.Thaw)
	b, err := remote.New(remote.Options{Name: "eval", URL: srv.URL, APIKey: backend.NewSecret(key), PollInterval: 200 * time.Millisecond, RequestTimeout: 30 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	m := New(ctx, Config{Hub: backend.NewHub(b), Theme: theme.New(true), FixedTheme: true})
	next, _ := m.Update(tea.WindowSizeMsg{Width: 160, Height: 30})
	m = next.(Model)
	snaps := b.Watch(ctx)
	// show feeds snapshots to the model until its view has want.
	show := func(want string, within time.Duration) string {
		t.Helper()
		deadline := time.After(within)
		for {
			select {
			case s := <-snaps:
				next, _ := m.Update(snapshotMsg{snap: s, ch: nil})
				m = next.(Model)
				if v := ansi.Strip(m.View().Content); strings.Contains(v, want) {
					return v
				}
			case <-deadline:
				t.Fatalf("no %q on screen within %s:\n%s", want, within, ansi.Strip(m.View().Content))
			}
		}
	}
	show("eval ● live", 10*time.Second)
	fr.Freeze()
	v := show("eval ⚠ not answering for ", backend.AnswerDeadline+4*time.Second)
	if !strings.Contains(v, "2 sandboxes") {
		t.Errorf("the rows went while the API was silent:\n%s", v)
	}
	fr.Thaw()
	show("eval ● live", 10*time.Second)
}

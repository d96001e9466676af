package main

import (
	"context"
	"regexp"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/appserver"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
	"github.com/ohdash/ohdash/ui"
)

// dashboardOnAppServer opens the dashboard, configured by args, on the
// configured backends (an app-server simulator), as `ohdash` does.
func dashboardOnAppServer(t *testing.T, h *harness, args ...string) *teatest.TestModel {
	t.Helper()
	a := h.testApp(args...)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	bs, err := a.Backends(ctx)
	if err != nil {
		t.Fatal(err)
	}
	keys, err := a.cfg.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	tm := teatest.NewTestModel(t, ui.New(ctx, a.uiConfig(backend.NewHub(bs...), keys)), teatest.WithInitialTermSize(140, 40))
	t.Cleanup(func() { _ = tm.Quit() })
	return tm
}

// C on the conversations tab starts an app conversation: the composer
// takes its task, the start task's statuses show on the message line,
// the new conversation opens in the tab, and the audit log has it.
func TestDashboardNewConversationOnAppServer(t *testing.T) {
	h := newHarness(t)
	s := startAppServerWith(t, h, appserver.Config{StepDelay: 300 * time.Millisecond}, appserver.SeedOptions{Sandboxes: 1, Conversations: 1})
	tm := dashboardOnAppServer(t, h)
	waitScreen(t, tm, s.SandboxIDs()[0])
	tm.Type("3")
	tm.Type("C")
	waitScreen(t, tm, "new conversation on cloud")
	tm.Type("Fix the date parser")
	tm.Send(tea.KeyPressMsg{Code: tea.KeyEnter})
	waitScreen(t, tm, "starting a conversation on cloud")
	waitRepaint(t, tm, `starting a conversation on cloud: (WAITING_FOR_SANDBOX|RUNNING_SETUP_SCRIPT|SETTING_UP_GIT_HOOKS|SETTING_UP_SKILLS|STARTING_CONVERSATION)`)
	waitScreen(t, tm, "started a conversation on cloud")
	ids := s.ConversationIDs()
	waitAudit(t, h.auditPath(), func(es []guard.Entry) bool {
		return len(es) == 1 && es[0].Action == guard.ConversationNew && es[0].Result == guard.ResultOK && es[0].Origin == "dashboard"
	})
	if len(ids) != 2 {
		t.Fatalf("conversations %v, want the seeded one and the new one", ids)
	}
	// The list of all sandboxes shows it, with the agent's first answer
	// in its events.
	waitRepaint(t, tm, `conversations of all 2 sandboxes`)
	waitRepaint(t, tm, `user> Fix the date parser`)
}

// waitRepaint waits until a full repaint of the screen matches expr. The
// renderer sends only the cells that change, so text that replaced other
// text is read from repaints (ctrl+l) asked for until it shows.
func waitRepaint(t *testing.T, tm *teatest.TestModel, expr string) {
	t.Helper()
	re := regexp.MustCompile(expr)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		for {
			select {
			case <-stop:
				return
			case <-time.After(150 * time.Millisecond):
				tm.Send(tea.KeyPressMsg{Code: 'l', Mod: tea.ModCtrl})
			}
		}
	}()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return re.MatchString(ansi.Strip(string(b))) },
		teatest.WithDuration(8*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

// Read-only: C is refused at once, named, and audited.
func TestDashboardNewConversationReadOnly(t *testing.T) {
	h := newHarness(t)
	s := startAppServer(t, h, appserver.SeedOptions{Sandboxes: 1})
	tm := dashboardOnAppServer(t, h, "--readonly")
	waitScreen(t, tm, s.SandboxIDs()[0])
	tm.Type("3")
	tm.Type("C")
	waitScreen(t, tm, "read-only mode: new is disabled")
	waitAudit(t, h.auditPath(), func(es []guard.Entry) bool {
		return len(es) == 1 && es[0].Action == guard.ConversationNew && es[0].Result == guard.ResultRefused && es[0].Backend == "cloud"
	})
	if n := s.Count(appserver.RouteConvStart); n != 0 {
		t.Fatalf("%d starts reached the app-server", n)
	}
}

package alertpane

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/alert"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
	"github.com/ohdash/ohdash/ui/keymap"
	"github.com/ohdash/ohdash/ui/pane"
)

func newPane(t *testing.T, w, h int) Model {
	t.Helper()
	c := pane.Context{Ctx: t.Context(), Theme: theme.New(true), Now: testkit.Clock, Keys: keymap.Default(), Host: pane.NewHost()}
	return New(c).SetSize(w, h).(Model)
}

func feedOne(t *testing.T, m Model, f *alert.Feed, it alert.Item) (Model, tea.Cmd) {
	t.Helper()
	p, cmd := m.Update(ItemMsg{Item: it, feed: f})
	return p.(Model), cmd
}

func sample(i int) alert.Alert {
	kinds := []alert.Kind{alert.ConvWaiting, alert.SandboxDied, alert.ConvFinished, alert.Budget}
	k := kinds[i%len(kinds)]
	a := alert.Alert{Time: testkit.Now.Add(-time.Duration(i) * time.Minute).UTC(), Kind: k, Backend: "docker", Sandbox: "oh-agent-server-abc", To: string(k)}
	switch k {
	case alert.SandboxDied:
		a.From, a.To, a.Title = "RUNNING", "PAUSED", "exited (code 137)"
	case alert.Budget:
		a.To, a.Title = "crossed", "spend $12.40 in the last hour is over the hourly budget of $10"
	default:
		a.Conversation, a.From, a.Title = fmt.Sprintf("%08d-aaaa-bbbb-cccc-dddddddddddd", i), "running", fmt.Sprintf("fix the flaky test %d", i)
	}
	return a
}

func TestGoldenAlerts(t *testing.T) {
	for _, size := range [][2]int{{80, 8}, {120, 16}} {
		m := newPane(t, size[0], size[1])
		f := alert.NewFeed(4)
		for i := 11; i >= 0; i-- {
			m, _ = feedOne(t, m, f, alert.Item{Alert: sample(i)})
		}
		v := m.View()
		testkit.Golden(t, fmt.Sprintf("alerts_%dx%d", size[0], size[1]), v)
		if v != m.View() {
			t.Error("two renders differ")
		}
		for _, line := range strings.Split(v, "\n") {
			if w := ansi.StringWidth(line); w > size[0] {
				t.Errorf("line of %d cells: %q", w, line)
			}
		}
		if m.Title() != "Alerts (12)" {
			t.Errorf("title %q", m.Title())
		}
	}
	testkit.Golden(t, "alerts_empty_80x8", newPane(t, 80, 8).View())
}

// A sequence item is written raw (tea.Raw) and the pane listens again; an
// alert joins the list, which stays bounded.
func TestSequencesAreWrittenRawAndTheListIsBounded(t *testing.T) {
	m := newPane(t, 80, 8)
	f := alert.NewFeed(4)
	f.Write("\x1b]9;next\a") // so the re-armed Listen returns at once
	m, cmd := feedOne(t, m, f, alert.Item{Seq: "\a"})
	batch, ok := cmd().(tea.BatchMsg)
	if !ok || len(batch) != 2 {
		t.Fatalf("want a batch of the raw write and the next listen, got %#v", batch)
	}
	if raw, ok := batch[0]().(tea.RawMsg); !ok || raw.Msg != "\a" {
		t.Errorf("first = %#v, want the raw bell", raw)
	}
	if next, ok := batch[1]().(ItemMsg); !ok || next.Item.Seq != "\x1b]9;next\a" {
		t.Errorf("second = %#v, want the next item", next)
	}
	for i := range MaxRecent + 10 {
		m, _ = feedOne(t, m, f, alert.Item{Alert: sample(i)})
	}
	if n := len(m.Recent()); n != MaxRecent {
		t.Errorf("list holds %d, want %d", n, MaxRecent)
	}
}

func TestFaultAlertPaneRowsAreClean(t *testing.T) {
	key := "sk-oh-PLANTEDpaneKEY0123456789abcdef"
	backend.RememberSecret(key)
	evil := "\x1b]52;c;SGVsbG8=\a\x1b[2J\u009b31m\u202e" + key
	a := alert.Alert{Time: testkit.Now, Kind: alert.ConvWaiting, Backend: "docker" + evil, Sandbox: "sb" + evil, Conversation: "c", To: "waiting_for_confirmation", Title: "t" + evil}
	m := newPane(t, 200, 4)
	m, _ = feedOne(t, m, alert.NewFeed(1), alert.Item{Alert: a.Clean()})
	v := ansi.Strip(m.View())
	for _, bad := range []string{"\x1b", "\a", "\u009b", "\u202e", key} {
		if strings.Contains(v, bad) {
			t.Errorf("row carries %q: %q", bad, v)
		}
	}
}

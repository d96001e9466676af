package convs

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/golden"
)

var now = time.Date(2026, 11, 22, 12, 0, 0, 0, time.UTC)

func conv(id, title string, st backend.ExecutionStatus, age time.Duration, cost float64) backend.Conversation {
	return backend.Conversation{
		ID: id, SandboxID: "oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE", Source: "docker", Title: title, Status: st,
		Model: "litellm_proxy/anthropic/claude-sonnet-4-5", Cost: cost,
		Tokens:    backend.TokenUsage{Prompt: int64(cost * 300000), Completion: int64(cost * 20000)},
		UpdatedAt: now.Add(-age),
	}
}

// fixture has one conversation per execution status and a long title.
func fixture() []backend.Conversation {
	return []backend.Conversation{
		conv("11111111-0000-4000-8000-000000000001", "Fix the flaky date parser test", backend.ExecRunning, 5*time.Second, 0.42),
		conv("22222222-0000-4000-8000-000000000002", "Add a --json flag to the export command, with tests and documentation for every field it prints", backend.ExecFinished, 3*time.Hour, 1.87),
		conv("33333333-0000-4000-8000-000000000003", "Rotate the deploy keys", backend.ExecWaitingForConfirmation, 2*time.Minute, 0.05),
		conv("44444444-0000-4000-8000-000000000004", "", backend.ExecIdle, 50*time.Hour, 0),
		conv("55555555-0000-4000-8000-000000000005", "Migrate CI to the new runners", backend.ExecError, 20*time.Minute, 0.73),
		conv("66666666-0000-4000-8000-000000000006", "Bump dependencies", backend.ExecPaused, 8*time.Minute, 0.11),
		conv("77777777-0000-4000-8000-000000000007", "Investigate memory growth", backend.ExecStuck, 40*time.Minute, 2.5),
	}
}

func newList(w, h int) Model {
	m := New(theme.New(true), WithClock(func() time.Time { return now })).SetScope("conversations of oh-agent-server-4kVdr9XqzLmPw2Bn7TsYcE")
	return m.SetSize(w, h).Focus().SetConversations(fixture())
}

func press(m Model, keys ...string) Model {
	for _, k := range keys {
		var kp tea.KeyPressMsg
		switch k {
		case "enter":
			kp = tea.KeyPressMsg{Code: tea.KeyEnter}
		case "esc":
			kp = tea.KeyPressMsg{Code: tea.KeyEscape}
		case "down":
			kp = tea.KeyPressMsg{Code: tea.KeyDown}
		default:
			kp = tea.KeyPressMsg{Code: []rune(k)[0], Text: k}
		}
		m, _ = m.Update(kp)
	}
	return m
}

func titles(m Model) []string {
	var out []string
	for _, i := range m.order {
		out = append(out, backend.ConversationIDHex(m.all[i].ID)[:1])
	}
	return out
}

func TestGolden(t *testing.T) {
	for _, sz := range [][2]int{{80, 12}, {120, 20}} {
		m := newList(sz[0], sz[1])
		v := m.View()
		if v != m.View() {
			t.Fatal("View is not deterministic")
		}
		golden.Require(t, fmt.Sprintf("convs_%dx%d", sz[0], sz[1]), v)
	}
}

func TestNeedsAttentionPinnedThenNewestFirst(t *testing.T) {
	m := newList(120, 20)
	// waiting (2m), error (20m), stuck (40m), then the rest by update time.
	if got := strings.Join(titles(m), ""); got != "3571624" {
		t.Fatalf("order %s, want 3571624", got)
	}
	m = press(m, "!")
	if got := strings.Join(titles(m), ""); got != "1365724" {
		t.Fatalf("unpinned order %s, want 1365724", got)
	}
	m = press(m, "S")
	if got := strings.Join(titles(m), ""); got != "4275631" {
		t.Fatalf("reversed order %s, want 4275631", got)
	}
}

func TestSelectionSurvivesRefreshAndLiveUpdate(t *testing.T) {
	m := press(newList(120, 20), "down", "down", "down") // 1: the running one
	sel, _ := m.Selected()
	if !strings.HasPrefix(sel.ID, "1111") {
		t.Fatalf("selected %s", sel.ID)
	}
	list := fixture()
	list[0], list[6] = list[6], list[0]
	m = m.SetConversations(list[1:]) // the stuck one is gone
	if sel, _ := m.Selected(); !strings.HasPrefix(sel.ID, "1111") {
		t.Fatalf("after refresh selected %s", sel.ID)
	}
	up := list[6]
	up.Status, up.Cost = backend.ExecWaitingForConfirmation, 0.5
	m = m.UpdateConversation(up)
	if sel, _ := m.Selected(); sel.Status != backend.ExecWaitingForConfirmation || sel.Cost != 0.5 {
		t.Fatalf("live update not applied: %+v", sel)
	}
	if !strings.Contains(ansi.Strip(m.View()), "3 need attention") {
		t.Errorf("header does not count the conversations needing attention:\n%s", ansi.Strip(m.View()))
	}
}

func TestFilterAndEsc(t *testing.T) {
	m := press(newList(120, 20), "/", "d", "e", "p")
	if !m.Capturing() || m.Len() != 2 {
		t.Fatalf("filtering: capturing %v, %d rows", m.Capturing(), m.Len())
	}
	m = press(m, "enter")
	if m.Capturing() || !m.WantsEsc() || m.Len() != 2 {
		t.Fatalf("kept filter: capturing %v wantsEsc %v rows %d", m.Capturing(), m.WantsEsc(), m.Len())
	}
	m = press(m, "esc")
	if m.WantsEsc() || m.Len() != 7 {
		t.Fatalf("esc should clear the filter: %d rows", m.Len())
	}
	m = press(m, "/", "z", "z", "z", "enter")
	if !strings.Contains(ansi.Strip(m.View()), "no conversation matches the filter") {
		t.Error("an empty filtered list must say why")
	}
}

func TestEmptyLoadingAndProblems(t *testing.T) {
	m := New(theme.New(false)).SetSize(80, 8).SetLoading(true)
	if !strings.Contains(ansi.Strip(m.View()), "loading") {
		t.Error("loading not shown")
	}
	m = m.SetLoading(false).SetProblems([]string{"oh-agent-server-x: 401 wrong session key", "oh-agent-server-y: timeout"})
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "no conversations") || !strings.Contains(v, "2 sandboxes could not be listed: oh-agent-server-x: 401") {
		t.Errorf("empty list with problems:\n%s", v)
	}
	if n := len(strings.Split(m.View(), "\n")); n != 8 {
		t.Errorf("%d rows, want 8", n)
	}
}

// A title is server text: escape sequences and line breaks must not reach
// the terminal or break the row.
func TestHostileTitleAndNarrowWidths(t *testing.T) {
	c := conv("88888888-0000-4000-8000-000000000008", "evil\x1b]52;c;aGVsbG8=\x07\x1b[2J title\nsecond line", backend.ExecRunning, time.Second, 0.1)
	for _, w := range []int{40, 60, 80, 200} {
		m := New(theme.New(true), WithClock(func() time.Time { return now })).SetSize(w, 6).Focus().SetConversations([]backend.Conversation{c})
		v := m.View()
		for _, bad := range []string{"\x1b]52", "\x1b[2J", "\x07"} {
			if strings.Contains(v, bad) {
				t.Fatalf("width %d: %q reached the view", w, bad)
			}
		}
		for i, line := range strings.Split(v, "\n") {
			if lw := ansi.StringWidth(line); lw > w {
				t.Errorf("width %d: line %d is %d cells", w, i, lw)
			}
		}
		if n := len(strings.Split(v, "\n")); n != 6 {
			t.Errorf("width %d: %d rows, want 6", w, n)
		}
	}
}

func BenchmarkConvsFrame1000(b *testing.B) {
	list := make([]backend.Conversation, 1000)
	for i := range list {
		list[i] = conv(fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i), fmt.Sprintf("conversation number %d", i),
			[]backend.ExecutionStatus{backend.ExecRunning, backend.ExecFinished, backend.ExecError}[i%3], time.Duration(i)*time.Minute, float64(i)/100)
	}
	for _, n := range []int{30, 1000} { // 30 fills the screen: the baseline
		b.Run(fmt.Sprintf("rows=%d", n), func(b *testing.B) {
			m := New(theme.New(true), WithClock(func() time.Time { return now })).SetSize(120, 30).Focus().SetConversations(list[:n])
			for b.Loop() {
				_ = m.View()
			}
		})
	}
}

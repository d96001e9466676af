package convlist

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

var now = testkit.Now

var clock = testkit.Clock

// allStatuses is every execution status plus the unknown one.
var allStatuses = []backend.ExecutionStatus{
	backend.ExecRunning, backend.ExecWaitingForConfirmation, backend.ExecIdle, backend.ExecError,
	backend.ExecPaused, backend.ExecFinished, backend.ExecStuck, backend.ExecDeleting, "",
}

func convID(i int) string { return fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i) }

// sample is one conversation per execution status, updated a minute apart
// (the first most recently), across two sandboxes, with a long title, an
// untitled one, one with no usage and one with a provider-prefixed model.
func sample() []backend.Conversation {
	titles := []string{
		"Fix the flaky websocket reconnect test",
		"Add pagination to the conversations endpoint and make sure the old cursor format keeps working for existing clients",
		"",
		"Upgrade Go to 1.26",
		"Refactor the sandbox status mapping",
		"Write the README quick start",
		"Investigate OOM in the log ring",
		"Delete stale branches",
		"Untriaged",
	}
	out := make([]backend.Conversation, len(allStatuses))
	for i, st := range allStatuses {
		out[i] = backend.Conversation{
			ID: convID(i + 1), SandboxID: fmt.Sprintf("oh-agent-server-%c%c", 'a'+i%2, 'x'+i%2), Source: "docker",
			Title: titles[i], Status: st, Model: []string{"claude-sonnet-4-5", "litellm_proxy/openai/gpt-5", "devstral"}[i%3],
			Cost: float64(i) * 0.37, Tokens: backend.TokenUsage{Prompt: int64(i) * 123_456, Completion: int64(i) * 4_321},
			UpdatedAt: now.Add(-time.Duration(i*i) * time.Minute), CreatedAt: now.Add(-48 * time.Hour),
		}
	}
	out[0].Tokens = backend.TokenUsage{Prompt: 900, Completion: 50}
	out[0].Cost = 0.042
	return out
}

// many makes n conversations in one of two sandboxes, statuses cycling.
func many(n int) []backend.Conversation {
	out := make([]backend.Conversation, n)
	for i := range out {
		out[i] = backend.Conversation{
			ID: convID(i), SandboxID: fmt.Sprintf("oh-agent-server-%02d", i%7), Source: "docker",
			Title: fmt.Sprintf("task %04d: make the thing work", i), Status: allStatuses[i%len(allStatuses)],
			Model: "claude-sonnet-4-5", Cost: float64(i%50) / 10, Tokens: backend.TokenUsage{Prompt: int64(i) * 997},
			UpdatedAt: now.Add(-time.Duration(i) * time.Minute),
		}
	}
	return out
}

func newModel(w, h int, list []backend.Conversation) Model {
	return New(theme.New(true), WithClock(clock)).SetSize(w, h).Focus().SetConversations(list)
}

// press builds a key press the way Bubble Tea delivers it.
var press = testkit.Press

// keys presses ks in m, in order.
var keys = testkit.Keys[Model]

// typeText types s into m one rune at a time.
var typeText = testkit.Type[Model]

// ids lists the shown rows' conversation ids in display order.
func ids(m Model) []string {
	out := make([]string, m.Len())
	for i := range out {
		out[i] = m.all[m.list.Order[i]].c.ID
	}
	return out
}

func selectedID(t *testing.T, m Model) string {
	t.Helper()
	c, ok := m.Selected()
	if !ok {
		t.Fatal("nothing selected")
	}
	return c.ID
}

// checkFrame requires exactly h lines of exactly w cells.
func checkFrame(t *testing.T, v string, w, h int) {
	t.Helper()
	lines := strings.Split(v, "\n")
	if len(lines) != h {
		t.Fatalf("%dx%d: %d lines:\n%s", w, h, len(lines), ansi.Strip(v))
	}
	for i, l := range lines {
		if got := ansi.StringWidth(l); got != w {
			t.Fatalf("%dx%d: line %d is %d cells: %q", w, h, i, got, ansi.Strip(l))
		}
	}
}

func themeDark() theme.Theme { return theme.New(true) }

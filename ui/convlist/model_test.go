package convlist

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
)

func TestPinnedByDefaultThenNewestFirst(t *testing.T) {
	m := newModel(120, 20, sample())
	if !m.Pinned() {
		t.Fatal("pinning must be on by default")
	}
	got := ids(m)
	// Attention rows (waiting 1m, error 9m, stuck 36m) first, then the
	// rest newest first.
	want := []string{convID(2), convID(4), convID(7), convID(1), convID(3), convID(5), convID(6), convID(8), convID(9)}
	if !slices.Equal(got, want) {
		t.Fatalf("order\n got %v\nwant %v", got, want)
	}
	if !strings.Contains(ansi.Strip(m.View()), "pinned: needs attention") {
		t.Fatal("header must say the attention rows are pinned")
	}

	m = keys(m, "!")
	if m.Pinned() {
		t.Fatal("! turns pinning off")
	}
	want = []string{convID(1), convID(2), convID(3), convID(4), convID(5), convID(6), convID(7), convID(8), convID(9)}
	if got := ids(m); !slices.Equal(got, want) {
		t.Fatalf("unpinned order\n got %v\nwant %v", got, want)
	}
	if strings.Contains(ansi.Strip(m.View()), "pinned") {
		t.Fatal("header must not claim pinning when it is off")
	}
}

func TestSortCyclesAndReverseKeepsPinnedOnTop(t *testing.T) {
	m := newModel(120, 20, sample())
	m = keys(m, "s") // title
	if by, desc := m.Sort(); by != ByTitle || desc {
		t.Fatalf("sort = %v %v", by, desc)
	}
	var titles []string
	for i := 3; i < m.Len(); i++ { // after the three pinned rows
		titles = append(titles, m.all[m.list.Order[i]].titleKey)
	}
	if !slices.IsSorted(titles) {
		t.Fatalf("unpinned rows not by title: %v", titles)
	}

	m = keys(m, "s", "s", "s") // status, model, cost
	if by, _ := m.Sort(); by != ByCost {
		t.Fatalf("sort = %v", by)
	}
	m = keys(m, "!")
	costs := func(m Model) []float64 {
		var out []float64
		for i := 0; i < m.Len(); i++ {
			out = append(out, m.all[m.list.Order[i]].c.Cost)
		}
		return out
	}
	if c := costs(m); !slices.IsSortedFunc(c, func(a, b float64) int { return int((b - a) * 1000) }) {
		t.Fatalf("cost must sort costliest first: %v", c)
	}
	m = keys(m, "S")
	if c := costs(m); !slices.IsSorted(c) {
		t.Fatalf("reversed cost must sort cheapest first: %v", c)
	}

	// Reversed with pinning: the pinned rows stay on top, in the
	// reversed order among themselves.
	m = keys(m, "!")
	var att []bool
	var pinned []float64
	for i := 0; i < m.Len(); i++ {
		c := m.all[m.list.Order[i]].c
		att = append(att, c.Status.NeedsAttention())
		if c.Status.NeedsAttention() {
			pinned = append(pinned, c.Cost)
		}
	}
	if !slices.Equal(att, []bool{true, true, true, false, false, false, false, false, false}) {
		t.Fatalf("pinned rows not on top: %v", att)
	}
	if !slices.IsSorted(pinned) {
		t.Fatalf("pinned rows must follow the reversed order: %v", pinned)
	}

	for range sortKeys {
		m = keys(m, "s")
	}
	if by, _ := m.Sort(); by != ByCost {
		t.Fatalf("s must cycle through every column, got back to %v", by)
	}
	if !strings.Contains(ansi.Strip(m.View()), "sort: cost") {
		t.Fatal("header names the sort column")
	}
}

func TestSelectionSurvivesRefreshAndResort(t *testing.T) {
	list := many(40)
	m := newModel(120, 12, list)
	m = keys(m, "down", "down", "down", "down", "down")
	want := selectedID(t, m)

	// A refresh with the rows in another order, one row gone and one new.
	next := slices.Clone(list)
	slices.Reverse(next)
	next = append(next[:3], next[4:]...)
	next = append(next, backend.Conversation{ID: convID(999), SandboxID: "oh-agent-server-00", Source: "docker",
		Status: backend.ExecRunning, UpdatedAt: now})
	m = m.SetConversations(next)
	if got := selectedID(t, m); got != want {
		t.Fatalf("selection moved from %s to %s", want, got)
	}
	m = keys(m, "s", "S", "!")
	if got := selectedID(t, m); got != want {
		t.Fatalf("re-sorting moved the selection from %s to %s", want, got)
	}
	if !strings.Contains(ansi.Strip(m.View()), m.all[m.list.Order[m.list.Cursor]].title) {
		t.Fatal("the selected row must stay on screen")
	}

	// The selected row disappears: the cursor stays in range.
	var rest []backend.Conversation
	for _, c := range next {
		if c.ID != want {
			rest = append(rest, c)
		}
	}
	m = m.SetConversations(rest)
	if _, ok := m.Selected(); !ok {
		t.Fatal("a row must stay selected")
	}
	m = m.SetConversations(nil)
	if _, ok := m.Selected(); ok || m.Len() != 0 {
		t.Fatal("empty list selects nothing")
	}
}

func TestSameIDInTwoSandboxesAreTwoRows(t *testing.T) {
	a := backend.Conversation{ID: convID(1), SandboxID: "sb-a", Source: "docker", Title: "a", UpdatedAt: now}
	b := a
	b.SandboxID, b.Title, b.UpdatedAt = "sb-b", "b", now.Add(-time.Minute)
	m := newModel(120, 10, []backend.Conversation{a, b})
	m = keys(m, "down")
	if c, _ := m.Selected(); c.SandboxID != "sb-b" {
		t.Fatalf("selected %s", c.SandboxID)
	}
	m = m.SetConversations([]backend.Conversation{b, a})
	if c, _ := m.Selected(); c.SandboxID != "sb-b" {
		t.Fatalf("selection by Key must tell sandboxes apart, got %s", c.SandboxID)
	}
}

func TestNavigationKeys(t *testing.T) {
	m := newModel(120, 12, many(100)) // 10 data rows on screen
	m = keys(m, "!", "g")
	step := func(k string, want int) {
		t.Helper()
		m = keys(m, k)
		if m.list.Cursor != want {
			t.Fatalf("after %s cursor = %d, want %d", k, m.list.Cursor, want)
		}
		if m.list.Cursor < m.list.Offset || m.list.Cursor >= m.list.Offset+m.list.Rows() {
			t.Fatalf("after %s cursor %d off screen (offset %d)", k, m.list.Cursor, m.list.Offset)
		}
	}
	step("j", 1)
	step("down", 2)
	step("k", 1)
	step("up", 0)
	step("up", 0)
	step("pgdown", 9)
	step("pgdown", 18)
	step("pgup", 9)
	step("G", 99)
	step("down", 99)
	step("g", 0)
	step("end", 99)
	step("home", 0)

	blurred := m.Blur()
	blurred = keys(blurred, "j")
	if blurred.list.Cursor != 0 || blurred.Focused() {
		t.Fatal("a blurred table ignores keys")
	}
}

func TestUpdateConversation(t *testing.T) {
	m := newModel(120, 20, sample())
	m = keys(m, "!", "g") // newest first, unpinned
	if selectedID(t, m) != convID(1) {
		t.Fatal("precondition")
	}
	before := m

	// A live cost tick does not move the row.
	c, _ := m.Selected()
	c.Cost, c.Tokens.Prompt = 1.5, 99_000
	m = m.UpdateConversation(c)
	if got, _ := m.Selected(); got.Cost != 1.5 || m.list.Cursor != 0 {
		t.Fatalf("cost not updated or row moved: %+v at %d", got.Cost, m.list.Cursor)
	}
	if !strings.Contains(ansi.Strip(m.View()), "$1.50") {
		t.Fatal("new cost not shown")
	}
	if got, _ := before.Selected(); got.Cost != 0.042 {
		t.Fatal("an older Model value must not change")
	}

	// A status change to needing attention moves the row when pinned, and
	// the selection follows it.
	m = keys(m, "!", "G")
	last, _ := m.Selected()
	last.Status = backend.ExecWaitingForConfirmation
	att := m.Attention()
	m = m.UpdateConversation(last)
	if m.Attention() != att+1 {
		t.Fatalf("attention count %d, want %d", m.Attention(), att+1)
	}
	if got := selectedID(t, m); got != last.ID || m.list.Cursor >= 4 {
		t.Fatalf("selection %s at %d; want %s among the pinned rows", got, m.list.Cursor, last.ID)
	}

	// Unknown keys are ignored.
	n := m.Total()
	m = m.UpdateConversation(backend.Conversation{ID: convID(12345), SandboxID: "x", Source: "docker"})
	if m.Total() != n {
		t.Fatal("UpdateConversation must not add rows")
	}

	// An update that makes a row stop matching the filter hides it.
	m = keys(m, "/")
	m = typeText(m, "fix the flaky")
	m = keys(m, "enter")
	c, _ = m.Selected()
	c.Title = "renamed"
	m = m.UpdateConversation(c)
	if m.Len() != 0 {
		t.Fatal("a row that no longer matches the filter must go")
	}
}

func TestEmptyLoadingAndProblems(t *testing.T) {
	m := New(theme.New(true), WithClock(clock)).SetSize(80, 8).SetScope("conversations of oh-agent-server-abc").SetLoading(true)
	v := ansi.Strip(m.View())
	checkFrame(t, m.View(), 80, 8)
	if !strings.Contains(v, "conversations of oh-agent-server-abc") || !strings.Contains(v, "loading…") {
		t.Fatalf("loading view:\n%s", v)
	}
	if strings.Contains(v, "no conversations") {
		t.Fatal("must not say none while the first listing is in flight")
	}
	m = m.SetLoading(false).SetConversations(nil)
	if v = ansi.Strip(m.View()); !strings.Contains(v, "no conversations") || strings.Contains(v, "loading") {
		t.Fatalf("empty view:\n%s", v)
	}

	m = m.SetProblems([]string{"oh-agent-server-x: 401 wrong session key", "oh-agent-server-y: \x1b]0;pwned\x07timeout"})
	checkFrame(t, m.View(), 80, 8)
	m = m.SetSize(120, 8)
	lines := strings.Split(ansi.Strip(m.View()), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "⚠ 2 sandboxes could not be listed: oh-agent-server-x: 401 wrong session key; oh-agent-server-y: timeout") {
		t.Fatalf("problems line %q", last)
	}
	if strings.Contains(m.View(), "\x1b]") || strings.Contains(m.View(), "\x07") {
		t.Fatal("escape sequences in a problem must be dropped")
	}
	m = m.SetProblems([]string{"oh-agent-server-x: 401 wrong session key"})
	if !strings.Contains(ansi.Strip(m.View()), "⚠ 1 sandbox could not be listed") {
		t.Fatal("singular problems line")
	}
	m = m.SetProblems(nil)
	if strings.Contains(ansi.Strip(m.View()), "could not be listed") {
		t.Fatal("no problems, no line")
	}
}

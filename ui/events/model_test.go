package events

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

// press builds a key press the way Bubble Tea delivers it.
var press = testkit.Press

// opened returns a pane whose stream delivered evs, and the Cmd waiting
// for the next delivery.
func opened(t *testing.T, w, h int, f *fakeSource, evs []backend.Event) (Model, tea.Cmd) {
	t.Helper()
	m, cmd := newPane(w, h, f)
	m, next := pump(m, cmd) // openedMsg
	return deliver(m, f, next, backend.EventUpdate{Events: evs, Conn: live(), Status: backend.ExecRunning,
		Cost: 0.42, Tokens: backend.TokenUsage{Prompt: 12000, Completion: 800}, HaveStats: true})
}

func TestLiveEventsInOrderAndStateForTheRoot(t *testing.T) {
	f := &fakeSource{}
	m, next := opened(t, 120, 20, f, mixed(2))
	m, _ = deliver(m, f, next, backend.EventUpdate{Events: []backend.Event{ev(500, "MessageEvent", "agent", "agent> all green")}, Conn: live(), Status: backend.ExecFinished})
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "● live") || !strings.Contains(v, "finished") || !strings.Contains(v, "11 events (2 hidden)") {
		t.Fatalf("header:\n%s", v)
	}
	if strings.Index(v, "package a") > strings.Index(v, "package b") || !strings.Contains(v, "all green") {
		t.Fatalf("events not in order:\n%s", v)
	}
	if st := m.State(); st.Status != backend.ExecFinished || st.Cost != 0.42 || !st.HaveStats {
		t.Fatalf("state %+v", st)
	}
}

func TestSupersededStreamIsIgnored(t *testing.T) {
	f := &fakeSource{}
	m, cmd := newPane(120, 20, f)
	stale := cmd
	m, cmd = newPane(120, 20, f) // a second Open replaces the first
	_ = cmd
	old := m
	m, _ = m.Update(updateMsg{Gen: old.stream.Gen() - 1, Value: backend.EventUpdate{Events: mixed(1)}, Ch: make(chan backend.EventUpdate)})
	if m.Len() != 0 {
		t.Fatal("a superseded stream's events were shown")
	}
	_ = stale
}

func TestBackFillMarkerTypingAndReconnecting(t *testing.T) {
	f := &fakeSource{}
	m, next := opened(t, 120, 20, f, mixed(1))
	m, next = deliver(m, f, next, backend.EventUpdate{Conn: backend.ConnState{Phase: backend.ConnReconnecting,
		NextRetry: testNow.Add(4 * time.Second), Err: errors.New("websocket closed")}})
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "reconnecting in 4s") || !strings.Contains(v, "websocket closed") {
		t.Fatalf("reconnecting state not shown:\n%s", v)
	}
	testkit.Golden(t, "reconnecting_120x20", m.View())
	m, next = deliver(m, f, next, backend.EventUpdate{Conn: live(), BackFilled: 2,
		Events: []backend.Event{ev(100, "ActionEvent", "agent", "→ terminal: $ make"), ev(101, "ObservationEvent", "environment", "← terminal [exit 0]: ok")}})
	m, _ = deliver(m, f, next, backend.EventUpdate{Conn: live(), Typing: "I found the bug in"})
	v = ansi.Strip(m.View())
	if !strings.Contains(v, "── 2 events back-filled after reconnect ──") {
		t.Fatalf("no back-fill marker:\n%s", v)
	}
	if strings.Index(v, "back-filled") > strings.Index(v, "$ make") {
		t.Fatal("the marker must come before the back-filled events")
	}
	if !strings.Contains(v, "agent is typing: I found the bug in") {
		t.Fatalf("typing line missing:\n%s", v)
	}
	testkit.Golden(t, "backfilled_80x12", m.SetSize(80, 12).View())
	m, _ = m.Update(updateMsg{Gen: m.stream.Gen(), Ch: f.ch, Value: backend.EventUpdate{Conn: live()}})
	if strings.Contains(ansi.Strip(m.View()), "typing") {
		t.Fatal("typing line must go when Typing is empty")
	}
}

func TestClosedSaysWhy(t *testing.T) {
	f := &fakeSource{}
	m, next := opened(t, 80, 10, f, nil)
	m, _ = deliver(m, f, next, backend.EventUpdate{Conn: backend.ConnState{Phase: backend.ConnClosed,
		Err: errors.New("4001 unauthorized: wrong session key")}})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "closed (4001 unauthorized: wrong session key)") {
		t.Fatalf("closed reason not shown:\n%s", v)
	}
	n, _ := New(m.th).SetSize(80, 5).Open(t.Context(), nil, nil, backend.Sandbox{}, backend.Conversation{ID: "x"})
	if !strings.Contains(ansi.Strip(n.View()), "not supported") && !strings.Contains(ansi.Strip(n.View()), "unsupported") {
		t.Fatalf("no event source must be said:\n%s", ansi.Strip(n.View()))
	}
}

func TestFiltersAndQuiet(t *testing.T) {
	f := &fakeSource{}
	m, _ := opened(t, 120, 30, f, mixed(3))
	count := func(m Model) int { return len(m.vis) }
	if count(m) != 12 {
		t.Fatalf("quiet events must be hidden: %d shown", count(m))
	}
	m, _ = m.Update(press("v"))
	if count(m) != 15 {
		t.Fatalf("v shows quiet events: %d", count(m))
	}
	m, _ = m.Update(press("t")) // messages
	if count(m) != 6 || !strings.Contains(ansi.Strip(m.View()), "filter: messages") {
		t.Fatalf("kind filter messages: %d", count(m))
	}
	m, _ = m.Update(press("o")) // from user
	if count(m) != 3 {
		t.Fatalf("messages from user: %d", count(m))
	}
	for range 3 {
		m, _ = m.Update(press("t")) // actions, observations, errors
	}
	m, _ = m.Update(press("o"))
	m, _ = m.Update(press("o"))
	m, _ = m.Update(press("o")) // back to all sources
	if count(m) != 3 {
		t.Fatalf("errors filter: %d, want the 3 failed observations", count(m))
	}
}

func TestFollowAndPagingOlderHistory(t *testing.T) {
	f := &fakeSource{history: mixed(100)} // 500 stored events
	m, _ := opened(t, 120, 20, f, f.history[450:])
	if !m.follow || m.cursor != len(m.vis)-1 {
		t.Fatal("a new stream follows the newest event")
	}
	m, _ = m.Update(press("up"))
	if m.follow {
		t.Fatal("moving up stops following")
	}
	m, cmd := m.Update(press("home"))
	if cmd == nil || !m.paging {
		t.Fatal("reaching the top must page in older history")
	}
	if _, again := m.Update(press("up")); again != nil {
		t.Fatal("a second page request while one is in flight")
	}
	if !strings.Contains(ansi.Strip(m.View()), "loading older events") {
		t.Fatal("paging is not shown")
	}
	m, _ = pump(m, cmd)
	if m.Len() != 150 || m.items[0].ev.ID != f.history[350].ID || m.items[149].ev.ID != f.history[499].ID {
		t.Fatalf("prepend: %d held, first %s", m.Len(), m.items[0].ev.ID)
	}
	// The cursor stays on the event it was on.
	if got := m.items[m.vis[m.cursor]].ev.ID; got != f.history[450].ID && got != f.history[452].ID {
		t.Fatalf("cursor moved to %s", got)
	}
	// Page until the cap (200) pushes the newest out of memory.
	for i := 0; i < 3; i++ {
		m, cmd = m.Update(press("home"))
		m, _ = pump(m, cmd)
	}
	if m.Len() != 200 || !m.newestDropped {
		t.Fatalf("cap: %d held, newestDropped %v", m.Len(), m.newestDropped)
	}
	if !strings.Contains(ansi.Strip(m.View()), "newest not in memory") {
		t.Fatal("dropping the newest must be shown")
	}
	m, cmd = m.Update(press("G"))
	if cmd == nil || m.Len() != 0 || !m.follow {
		t.Fatal("G with the newest dropped reopens the stream to follow live")
	}
}

func TestEvictionCountsAndStaysBounded(t *testing.T) {
	f := &fakeSource{}
	m, next := opened(t, 120, 20, f, nil)
	for b := 0; b < 30; b++ {
		batch := make([]backend.Event, 100)
		for i := range batch {
			batch[i] = ev(b*100+i, "ObservationEvent", "environment", fmt.Sprintf("← line %d", b*100+i))
		}
		m, next = deliver(m, f, next, backend.EventUpdate{Conn: live(), Events: batch})
	}
	if m.Len() < 200 || m.Len() > 250 || m.evicted+m.Len() != 3000 {
		t.Fatalf("held %d evicted %d", m.Len(), m.evicted)
	}
	if v := ansi.Strip(m.View()); !strings.Contains(v, fmt.Sprintf("%d older not in memory", m.evicted)) || !strings.Contains(v, "← line 2999") {
		t.Fatalf("view after eviction:\n%s", v)
	}
}

// With every count present the header gives up its hints and long words
// before any count would fall off the right edge.
func TestHeaderKeepsEveryCountWhenNarrow(t *testing.T) {
	f := &fakeSource{}
	m, next := opened(t, 120, 20, f, nil)
	for b := 0; b < 30; b++ {
		batch := make([]backend.Event, 100)
		for i := range batch {
			batch[i] = ev(b*100+i, "ObservationEvent", "environment", fmt.Sprintf("← line %d", b*100+i))
			batch[i].Quiet = i%5 == 4 // hidden until v
		}
		m, next = deliver(m, f, next, backend.EventUpdate{Conn: live(), Events: batch, Skipped: 3,
			Cost: 21009.4, Tokens: backend.TokenUsage{Prompt: 70_000_000_000}, HaveStats: true})
	}
	m, _ = m.Update(press("k"))
	wide := firstLine(ansi.Strip(m.SetSize(200, 20).View()))
	for _, want := range []string{"older not in memory (↑/k at top loads)", "hidden)", "3 undecodable skipped", "follow off (G/end)"} {
		if !strings.Contains(wide, want) {
			t.Fatalf("wide header lacks %q:\n%s", want, wide)
		}
	}
	for _, w := range []int{120, 105, 80} {
		h := firstLine(ansi.Strip(m.SetSize(w, 20).View()))
		// "N events (H hidden)", or "N ev, H hidden" when short of room.
		wants := []string{fmt.Sprintf("%d ev", m.held()), fmt.Sprintf("%d hidden", len(m.items)-len(m.vis)), fmt.Sprintf("%d older", m.evicted), "skipped", "follow off"}
		switch {
		case w < 100:
			wants = wants[:3] // the counts first; the rest is cut with …
		case w < 110:
			wants = wants[:4] // the hidden count outranks the follow hint
		}
		for _, want := range wants {
			if !strings.Contains(h, want) {
				t.Fatalf("%d columns: header lacks %q:\n%s", w, want, h)
			}
		}
	}
}

func firstLine(s string) string { return strings.SplitN(s, "\n", 2)[0] }

func TestExpandShowsSanitisedJSON(t *testing.T) {
	f := &fakeSource{history: mixed(1), raw: map[string][]byte{}}
	f.raw[f.history[3].ID] = []byte(`{"kind":"ObservationEvent","observation":{"content":"evil \u001b]52;c;aGk=\u0007 and \u001b[2J gone","exit_code":1}}`)
	m, _ := opened(t, 120, 20, f, f.history)
	m, _ = m.Update(press("up")) // the failed observation
	m, cmd := m.Update(press("enter"))
	if !m.WantsEsc() || cmd == nil {
		t.Fatal("enter expands the selected event")
	}
	m, _ = pump(m, cmd)
	v := m.View()
	if !strings.Contains(ansi.Strip(v), `"exit_code": 1`) || !strings.Contains(ansi.Strip(v), "event ev-000003") {
		t.Fatalf("pretty JSON not shown:\n%s", ansi.Strip(v))
	}
	testkit.Golden(t, "expanded_80x12", m.SetSize(80, 12).View())
	m, _ = m.Update(press("esc"))
	if m.WantsEsc() || strings.Contains(ansi.Strip(m.View()), "exit_code") {
		t.Fatal("esc collapses the JSON view")
	}
}

// Raw bytes of a hostile event must never reach the terminal, even when
// they are not valid JSON.
func TestExpandNeverWritesRawEscapes(t *testing.T) {
	f := &fakeSource{history: mixed(1), raw: map[string][]byte{}}
	f.raw[f.history[4].ID] = []byte("not json \x1b]52;c;aGk=\x07\x1b[2J\x1bP+q\x1b\\ \xff")
	m, _ := opened(t, 80, 12, f, f.history)
	m, cmd := m.Update(press("enter"))
	m, _ = pump(m, cmd)
	v := m.View()
	for _, bad := range []string{"\x1b]", "\x1b[2J", "\x1bP", "\x07", "\xff"} {
		if strings.Contains(v, bad) {
			t.Fatalf("%q reached the terminal", bad)
		}
	}
}

func TestGoldenLive(t *testing.T) {
	for _, sz := range [][2]int{{80, 12}, {120, 20}} {
		f := &fakeSource{}
		m, _ := opened(t, sz[0], sz[1], f, mixed(3))
		if m.View() != m.View() {
			t.Fatal("View is not deterministic")
		}
		testkit.Golden(t, fmt.Sprintf("live_%dx%d", sz[0], sz[1]), m.View())
	}
}

func TestPendingIsTheNewestAction(t *testing.T) {
	f := &fakeSource{}
	m, _ := opened(t, 80, 12, f, mixed(2))
	e, ok := m.Pending()
	if !ok || e.ID != "ev-000007" {
		t.Fatalf("pending %v %s, want the second turn's action ev-000007", ok, e.ID)
	}
	if _, ok := New(m.th).Pending(); ok {
		t.Fatal("an empty pane has no pending action")
	}
}

// TestFaultHeaderSaysNotAnswering: a stream whose socket is open but
// silent shows "not answering for Ns" in the header, counted from the
// last answer (it fell through to "connecting"), and "live" again after.
func TestFaultHeaderSaysNotAnswering(t *testing.T) {
	f := &fakeSource{}
	m, next := opened(t, 120, 20, f, mixed(1))
	m, next = deliver(m, f, next, backend.EventUpdate{Conn: backend.ConnState{Phase: backend.ConnUnresponsive,
		Since: testNow.Add(-6 * time.Second), LastAnswer: testNow.Add(-6 * time.Second)}})
	v := ansi.Strip(m.View())
	if !strings.Contains(v, "⚠ not answering for 6s") || strings.Contains(v, "● live") {
		t.Fatalf("not-answering state not shown:\n%s", v)
	}
	if m.Len() != 5 {
		t.Fatalf("the events held must stay shown: %d", m.Len())
	}
	m, _ = deliver(m, f, next, backend.EventUpdate{Conn: live()})
	if v := ansi.Strip(m.View()); !strings.Contains(v, "● live") || strings.Contains(v, "not answering") {
		t.Fatalf("back to live not shown:\n%s", v)
	}
}

// The JSON view masks credentials the agent quoted, as the summary line
// does: a known key, a URL password, a token shape.
func TestExpandMasksSecrets(t *testing.T) {
	const key = "eventsPaneKnownKey-4Tz8Qw"
	backend.RememberSecret(key)
	f := &fakeSource{history: mixed(1), raw: map[string][]byte{}}
	f.raw[f.history[4].ID] = []byte(`{"kind":"MessageEvent","text":"key ` + key + ` db postgres://a:dbPassw0rd99@h/x gh ghp_abcdefghijklmnopqrstuvwxyz012345"}`)
	m, _ := opened(t, 160, 12, f, f.history)
	m, cmd := m.Update(press("enter"))
	m, _ = pump(m, cmd)
	v := ansi.Strip(m.View())
	if !strings.Contains(v, `"kind": "MessageEvent"`) {
		t.Fatalf("JSON not shown:\n%s", v)
	}
	for _, leak := range []string{key, "dbPassw0rd99", "ghp_abcdefghijklmnopqrstuvwxyz012345"} {
		if strings.Contains(v, leak) {
			t.Errorf("%q shown in the JSON view:\n%s", leak, v)
		}
	}
}

// The hidden-by-filter count is what explains an empty body ("none
// matches the filter"): it stays in the header however long the filter
// makes the line, and the filter keeps a short wording of its own.
func TestHeaderKeepsHiddenCountWithLongFilter(t *testing.T) {
	f := &fakeSource{}
	m, _ := opened(t, 120, 12, f, mixed(4))
	m = testkit.Keys(m, "t", "t", "t", "o", "v") // observations, from user, quiet shown
	if got := m.filterText(); got != "observations, from user, quiet shown" {
		t.Fatalf("filter = %q", got)
	}
	for _, w := range []int{120, 100, 80, 60} {
		v := ansi.Strip(m.SetSize(w, 12).View())
		h := firstLine(v)
		if !strings.Contains(v, "none matches the filter") {
			t.Fatalf("%d columns: the body should say nothing matches:\n%s", w, v)
		}
		if !strings.Contains(h, "20 hidden") {
			t.Errorf("%d columns: header lacks the hidden count:\n%s", w, h)
		}
		if w >= 80 && !strings.Contains(h, "obs") {
			t.Errorf("%d columns: header lacks the filter:\n%s", w, h)
		}
	}
}

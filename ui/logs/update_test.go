package logs

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/ohdash/ohdash/backend/logbuf"
)

// streamed returns a focused pane showing n numbered lines.
func streamed(t *testing.T, w, h, n int, opts ...Option) Model {
	t.Helper()
	f := &fakeStreamer{}
	m, wait := opened(t, newPane(w, h, opts...), f, "sb", "web")
	lines := make([]logbuf.Line, n)
	for i := range lines {
		lines[i] = ln(i+1, logbuf.Stdout, fmt.Sprintf("line %d", i+1))
	}
	m, _ = deliver(t, m, wait, f.stream(t, 0), logbuf.Batch{Lines: lines})
	return m
}

func bodyRows(t *testing.T, m Model) []string {
	t.Helper()
	rows := strings.Split(screen(t, m), "\n")[1:]
	for i, r := range rows {
		rows[i] = strings.TrimSpace(r)
	}
	return rows
}

func TestFollowAndScrollKeys(t *testing.T) {
	m := streamed(t, 40, 4, 50) // 3 text rows
	if got := bodyRows(t, m); got[2] != "line 50" {
		t.Fatalf("following: last row %q", got[2])
	}
	m = keys(m, "k")
	mustContain(t, header(t, m), "paused")
	if got := bodyRows(t, m); got[2] != "line 49" {
		t.Fatalf("after k: %q", got)
	}
	m = keys(m, "up", "pgup")
	if got := bodyRows(t, m); got[0] != "line 43" {
		t.Fatalf("after up, pgup: %q", got)
	}
	m = keys(m, "j", "down", "pgdown", "ctrl+d", "ctrl+u")
	// 43 → 44 → 45 → 48 (the bottom: ctrl+d stops there) → 47
	if got := bodyRows(t, m); got[0] != "line 47" {
		t.Fatalf("after j, down, pgdn, ctrl+d, ctrl+u: %q", got)
	}
	m = keys(m, "g")
	if got := bodyRows(t, m); got[0] != "line 1" {
		t.Fatalf("after g: %q", got)
	}
	m = keys(m, "G")
	mustContain(t, header(t, m), "follow")
	m = keys(m, "home", "end")
	if !m.view.Following() {
		t.Fatal("end must re-enter follow mode")
	}
	m = keys(m, "f")
	if m.view.Following() {
		t.Fatal("f must toggle follow off")
	}
	m = keys(m, "f")
	if !m.view.Following() {
		t.Fatal("f must toggle follow on")
	}
}

func TestWrapTimestampsAndHorizontalKeys(t *testing.T) {
	f := &fakeStreamer{}
	m, wait := opened(t, newPane(20, 3), f, "sb", "web")
	m, _ = deliver(t, m, wait, f.stream(t, 0), logbuf.Batch{Lines: []logbuf.Line{
		ln(1, logbuf.Stdout, "0123456789abcdefghijklmnop"),
	}})
	if got := bodyRows(t, m); got[0] != "0123456789abcdefgh" || got[1] != "ijklmnop" {
		t.Fatalf("wrapped: %q", got)
	}
	if m.KeyMap().Left.Enabled() {
		t.Fatal("left must be disabled while wrapping")
	}
	m = keys(m, "right") // no effect while wrapping
	m = keys(m, "w")
	if m.view.Wrapping() || !m.KeyMap().Left.Enabled() {
		t.Fatal("w must turn wrapping off and enable left/right")
	}
	if got := bodyRows(t, m); got[0] != "0123456789abcdefg…" {
		t.Fatalf("unwrapped: %q", got)
	}
	m = keys(m, "right")
	// Half a width (9) is more than the 8 cells left: clamped to the end.
	if got := bodyRows(t, m); got[0] != "89abcdefghijklmnop" {
		t.Fatalf("scrolled right: %q", got)
	}
	m = keys(m, "left")
	if got := bodyRows(t, m); got[0] != "0123456789abcdefg…" {
		t.Fatalf("scrolled back: %q", got)
	}
	m = keys(m, "w", "t").SetSize(60, 3)
	mustContain(t, header(t, m), "wrap", "time")
	if got := bodyRows(t, m); !strings.HasPrefix(got[0], "09:30:00.137") {
		t.Fatalf("timestamps: %q", got)
	}
}

func TestSearchFlow(t *testing.T) {
	m := streamed(t, 60, 5, 200)
	m = keys(m, "/")
	if !m.Capturing() {
		t.Fatal("/ must open the search input")
	}
	if got := header(t, m); !strings.HasPrefix(got, "/") {
		t.Fatalf("header while typing: %q", got)
	}
	// While typing, pane keys are text: "f" does not toggle follow.
	m = typeText(m, "LINE 1f")
	if !m.view.Following() {
		t.Fatal("typing f in the search input toggled follow")
	}
	m = keys(m, "backspace")
	m = typeText(m, "5")
	m = keys(m, "enter")
	if m.Capturing() {
		t.Fatal("enter must close the input")
	}
	// "line 15", "line 150".."line 159": 11 matches.
	st := m.view.SearchStatus()
	if st.Query != "LINE 15" || st.Total != 11 {
		t.Fatalf("status %+v", st)
	}
	mustContain(t, header(t, m), "/LINE 15 ", "/11", "paused")
	first := st.Current
	m = keys(m, "n")
	if got := m.view.SearchStatus().Current; got != first%11+1 {
		t.Fatalf("n: current %d after %d", got, first)
	}
	m = keys(m, "N", "N")
	if got := m.view.SearchStatus().Current; got != (first+9)%11+1 {
		t.Fatalf("N N: current %d after %d", got, first)
	}
	if !m.SearchActive() || !m.KeyMap().SearchNext.Enabled() {
		t.Fatal("search keys must be enabled with a search")
	}
	m = keys(m, "esc")
	if m.SearchActive() || m.KeyMap().SearchNext.Enabled() {
		t.Fatal("esc must clear the search")
	}
	// esc in the input cancels it and clears.
	m = keys(m, "/")
	m = typeText(m, "zzz")
	m = keys(m, "esc")
	if m.Capturing() || m.SearchActive() {
		t.Fatal("esc in the input must close it without searching")
	}
	// An empty query clears too.
	m = keys(m, "/")
	m = typeText(m, "line")
	m = keys(m, "enter", "/", "enter")
	if m.SearchActive() {
		t.Fatal("an empty query must clear the search")
	}
	mustContain(t, func() string {
		m = keys(m, "/")
		m = typeText(m, "nothing-here")
		m = keys(m, "enter")
		return header(t, m)
	}(), "no match")
}

func TestKeysIgnoredWhenBlurred(t *testing.T) {
	m := streamed(t, 40, 4, 50).Blur()
	m = keys(m, "k", "w", "t", "/")
	if !m.view.Following() || !m.view.Wrapping() || m.view.Timestamps() || m.Capturing() {
		t.Fatal("a blurred pane reacted to keys")
	}
	// Blur closes an open search input.
	m = keys(m.Focus(), "/").Blur()
	if m.Capturing() || m.Focused() {
		t.Fatal("Blur must close the search input")
	}
}

func TestBindingsRemap(t *testing.T) {
	km := DefaultKeyMap()
	b := km.Bindings()
	want := []string{
		"logs.bottom", "logs.follow", "logs.half_page_down", "logs.half_page_up", "logs.left",
		"logs.page_down", "logs.page_up", "logs.right", "logs.search", "logs.search_cancel",
		"logs.search_clear", "logs.search_next", "logs.search_prev", "logs.search_submit",
		"logs.timestamps", "logs.top", "logs.up", "logs.down", "logs.wrap",
	}
	slices.Sort(want)
	var got []string
	for name := range b {
		got = append(got, name)
	}
	slices.Sort(got)
	if !slices.Equal(got, want) {
		t.Fatalf("action names:\n got %v\nwant %v", got, want)
	}
	if b["logs.follow"] != &km.Follow || b["logs.wrap"] != &km.Wrap {
		t.Fatal("Bindings must point into the KeyMap")
	}
	b["logs.follow"].SetKeys("F")
	m := streamed(t, 40, 4, 10, WithKeyMap(km))
	m = keys(m, "f")
	if !m.view.Following() {
		t.Fatal("the old key still works after a remap")
	}
	m = keys(m, "F")
	if m.view.Following() {
		t.Fatal("the remapped key does not work")
	}
}

func TestHelpFollowsMode(t *testing.T) {
	m := streamed(t, 40, 4, 10)
	names := func(bs []key.Binding) (out []string) {
		for _, b := range bs {
			if b.Enabled() {
				out = append(out, b.Help().Desc)
			}
		}
		return out
	}
	short := names(m.ShortHelp())
	if slices.Contains(short, "next match") || !slices.Contains(short, "follow") {
		t.Fatalf("short help without a search: %v", short)
	}
	m = keys(m, "/")
	if got := names(m.ShortHelp()); !slices.Equal(got, []string{"search", "cancel"}) {
		t.Fatalf("short help while typing: %v", got)
	}
	if len(m.FullHelp()) != 1 {
		t.Fatalf("full help while typing has %d groups", len(m.FullHelp()))
	}
	m = keys(typeText(m, "line"), "enter")
	if got := names(m.ShortHelp()); !slices.Contains(got, "next match") {
		t.Fatalf("short help with a search: %v", got)
	}
	var all []string
	for _, g := range m.FullHelp() {
		all = append(all, names(g)...)
	}
	if slices.Contains(all, "scroll left") {
		t.Fatal("scroll left shown in help while wrapping")
	}
}

func TestTinySizes(t *testing.T) {
	m := streamed(t, 40, 4, 10)
	for _, wh := range [][2]int{{1, 1}, {1, 2}, {2, 3}, {5, 2}, {12, 1}} {
		screen(t, m.SetSize(wh[0], wh[1]))
	}
	if newPane(0, 0).View() != "" {
		t.Fatal("a zero-size pane must render nothing")
	}
}

func TestFormatUint(t *testing.T) {
	for n, want := range map[uint64]string{0: "0", 999: "999", 1000: "1,000", 1234567: "1,234,567", 100000: "100,000"} {
		if got := formatUint(n); got != want {
			t.Errorf("formatUint(%d) = %q, want %q", n, got, want)
		}
	}
}

// A search over more text than one step continues through Cmds; the header
// shows the count growing ("n+") until it is complete.
func TestSearchContinuesThroughCmds(t *testing.T) {
	m := streamed(t, 80, 5, 30_000, WithMaxLines(30_000))
	m = typeText(keys(m, "/"), "line 2")
	m, cmd := m.Update(press("enter"))
	if cmd == nil || !m.view.SearchPending() {
		t.Fatal("a search over 30,000 lines must continue in a Cmd")
	}
	mustContain(t, header(t, m), "+")
	steps := 0
	for cmd != nil {
		msg := cmd()
		if _, ok := msg.(searchStepMsg); !ok {
			t.Fatalf("step Cmd returned %T", msg)
		}
		m, cmd = m.Update(msg)
		steps++
	}
	// "line 2", "line 20".."line 29", "line 200".., "line 2000".., "line 20000"..
	want := 1 + 10 + 100 + 1000 + 10000
	st := m.view.SearchStatus()
	if st.Counting || st.Total != want || st.Current == 0 {
		t.Fatalf("after %d steps: %+v, want %d matches", steps, st, want)
	}
	mustContain(t, header(t, m), "/11,111")
	// A stray step after the end does nothing.
	if _, cmd := m.Update(searchStepMsg{}); cmd != nil {
		t.Fatal("a finished search must not schedule more steps")
	}
}

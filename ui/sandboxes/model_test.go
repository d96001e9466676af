package sandboxes

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/internal/testkit"
)

var now = testkit.Now

func rows(n int) []backend.Sandbox {
	out := make([]backend.Sandbox, n)
	statuses := []backend.Status{backend.StatusRunning, backend.StatusPaused, backend.StatusError, backend.StatusStarting}
	for i := range out {
		out[i] = backend.Sandbox{
			ID: fmt.Sprintf("oh-agent-server-%04d", i), Source: "docker", Status: statuses[i%len(statuses)],
			Image: fmt.Sprintf("img-%d", i%3), CreatedAt: now.Add(-time.Duration(i) * time.Minute),
		}
	}
	return out
}

// press builds a key press the way Bubble Tea delivers it.
var press = testkit.Press

func newModel(n int) Model {
	return New(theme.New(true), WithClock(func() time.Time { return now })).SetSize(100, 10).Focus().SetSandboxes(rows(n))
}

func TestSortByStatusThenName(t *testing.T) {
	m := newModel(8)
	var got []string
	for i := 0; i < m.Len(); i++ {
		got = append(got, string(m.all[m.list.Order[i]].Status))
	}
	want := "ERROR ERROR STARTING STARTING RUNNING RUNNING PAUSED PAUSED"
	if strings.Join(got, " ") != want {
		t.Fatalf("order %v", got)
	}
	m, _ = m.Update(press("s")) // by name
	if sel, _ := m.Selected(); sel.ID != "oh-agent-server-0002" {
		t.Fatalf("selection must survive re-sorting, got %s", sel.ID)
	}
	m, _ = m.Update(press("g"))
	if sel, _ := m.Selected(); sel.ID != "oh-agent-server-0000" {
		t.Fatalf("first by name = %s", sel.ID)
	}
	m, _ = m.Update(press("S"))
	m, _ = m.Update(press("g"))
	if sel, _ := m.Selected(); sel.ID != "oh-agent-server-0007" {
		t.Fatalf("reversed first = %s", sel.ID)
	}
}

func TestFilterMatchesEveryTermAndEscClears(t *testing.T) {
	m := newModel(12)
	m, _ = m.Update(press("/"))
	if !m.Capturing() {
		t.Fatal("filter input should capture keys")
	}
	for _, r := range "paused img-1" {
		m, _ = m.Update(tea.KeyPressMsg{Code: r, Text: string(r)})
	}
	for i := 0; i < m.Len(); i++ {
		s := m.all[m.list.Order[i]]
		if s.Status != backend.StatusPaused || s.Image != "img-1" {
			t.Fatalf("row %s (%s, %s) does not match", s.ID, s.Status, s.Image)
		}
	}
	if m.Len() == 0 || m.Len() == m.Total() {
		t.Fatalf("filter kept %d of %d", m.Len(), m.Total())
	}
	m, _ = m.Update(press("enter"))
	if m.Capturing() || m.FilterText() != "paused img-1" {
		t.Fatal("enter keeps the filter and returns the keys")
	}
	m, _ = m.Update(press("esc"))
	if m.Len() != m.Total() {
		t.Fatal("esc must clear the filter")
	}
}

func TestViewRendersOnlyVisibleRowsAtExactSize(t *testing.T) {
	m := newModel(1000)
	for range 500 {
		m, _ = m.Update(press("down"))
	}
	v := m.View()
	lines := strings.Split(v, "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines", len(lines))
	}
	for _, l := range lines {
		if ansi.StringWidth(l) != 100 {
			t.Fatalf("width %d: %q", ansi.StringWidth(l), ansi.Strip(l))
		}
	}
	sel, _ := m.Selected()
	if !strings.Contains(ansi.Strip(v), sel.ID) {
		t.Fatal("selected row not on screen")
	}
}

func TestEmptyStates(t *testing.T) {
	m := newModel(0)
	if !strings.Contains(ansi.Strip(m.View()), "no sandboxes") {
		t.Fatal("empty table must say so")
	}
	if _, ok := m.Selected(); ok {
		t.Fatal("nothing to select")
	}
}

func BenchmarkFrame1000Rows(b *testing.B) {
	m := New(theme.New(true), WithClock(func() time.Time { return now })).SetSize(200, 50).Focus().SetSandboxes(rows(1000))
	for range 400 {
		m, _ = m.Update(press("down"))
	}
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

func BenchmarkFrame10Rows(b *testing.B) {
	m := New(theme.New(true), WithClock(func() time.Time { return now })).SetSize(200, 50).Focus().SetSandboxes(rows(10))
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// BenchmarkFrame1000RowsMarked is BenchmarkFrame1000Rows with every row
// marked: the mark column must cost next to nothing per frame.
func BenchmarkFrame1000RowsMarked(b *testing.B) {
	m := New(theme.New(true), WithClock(func() time.Time { return now })).SetSize(200, 50).Focus().SetSandboxes(rows(1000))
	m, _ = m.Update(press("*"))
	for range 400 {
		m, _ = m.Update(press("down"))
	}
	b.ResetTimer()
	for b.Loop() {
		_ = m.View()
	}
}

// Marks in the table: space marks and moves down, the mark column shows
// "*" only while something is marked, and marks survive a reorder and
// drop with their row.
func TestMarksInTable(t *testing.T) {
	m := newModel(6)
	if strings.Contains(ansi.Strip(m.View()), "*") {
		t.Fatal("no marks: no mark column")
	}
	m, _ = m.Update(press("space"))
	m, _ = m.Update(press("space"))
	if m.MarkCount() != 2 {
		t.Fatalf("%d marked", m.MarkCount())
	}
	if got := strings.Count(ansi.Strip(m.View()), "\n* "); got != 2 {
		t.Fatalf("%d rows show the mark:\n%s", got, ansi.Strip(m.View()))
	}
	marked := m.Marked()
	sbs := rows(6)
	for i, j := 0, len(sbs)-1; i < j; i, j = i+1, j-1 {
		sbs[i], sbs[j] = sbs[j], sbs[i]
	}
	m = m.SetSandboxes(sbs)
	if got := m.Marked(); len(got) != 2 || got[0].Key() != marked[0].Key() && got[0].Key() != marked[1].Key() {
		t.Fatal("marks did not survive a reorder")
	}
	var keep []backend.Sandbox
	for _, s := range sbs {
		if s.Key() != marked[0].Key() {
			keep = append(keep, s)
		}
	}
	if m = m.SetSandboxes(keep); m.MarkCount() != 1 {
		t.Fatal("a gone row kept its mark")
	}
}

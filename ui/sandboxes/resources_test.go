package sandboxes

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/ohdash/ohdash/backend"

	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/resource"
)

// TestResourceColumnsDropGracefully: at 80 columns CPU%, memory and
// processes stay and the rates give way; at 120 all show; off, none.
func TestResourceColumnsDropGracefully(t *testing.T) {
	res := resource.NewStore()
	for _, c := range []struct {
		width      int
		on         bool
		want, gone []string
	}{
		{80, true, []string{"CPU%", "MEM", "PIDS", "NAME"}, []string{"NET RX/TX", "BLK R/W", "IMAGE"}},
		{120, true, []string{"CPU%", "MEM", "NET RX/TX", "BLK R/W", "PIDS", "AGE"}, []string{"IMAGE"}},
		{120, false, []string{"IMAGE / SPEC"}, []string{"CPU%", "MEM"}},
		{50, true, []string{"NAME"}, []string{"MEM", "NET RX/TX"}},
	} {
		m := New(theme.New(true), WithClock(func() time.Time { return now })).SetSize(c.width, 10).SetSandboxes(rows(4)).SetResources(res, c.on)
		head := ansi.Strip(strings.SplitN(m.View(), "\n", 2)[0])
		for _, w := range c.want {
			if !strings.Contains(head, w) {
				t.Errorf("%d cols, on %v: %q missing from %q", c.width, c.on, w, head)
			}
		}
		for _, g := range c.gone {
			if strings.Contains(head, g) {
				t.Errorf("%d cols, on %v: %q shown in %q", c.width, c.on, g, head)
			}
		}
		if got := m.ResourceColumns(); got != (c.on && strings.Contains(head, "CPU%")) {
			t.Errorf("%d cols: ResourceColumns %v with header %q", c.width, got, head)
		}
	}
}

// TestVisibleIsTheWindow: Visible lists exactly the rows on screen.
func TestVisibleIsTheWindow(t *testing.T) {
	m := newModel(100) // 9 data rows
	for range 30 {
		m, _ = m.Update(press("down"))
	}
	vis := m.Visible()
	if len(vis) != 9 {
		t.Fatalf("%d visible rows", len(vis))
	}
	sel, _ := m.Selected()
	found := false
	for _, s := range vis {
		found = found || s.Key() == sel.Key()
	}
	if !found {
		t.Fatal("the selection is not among the visible rows")
	}
}

// TestNearLimitIsWarned: a sandbox at 90% of its memory limit or 80% of
// its CPU limit has those cells in the warning colour.
func TestNearLimitIsWarned(t *testing.T) {
	th := theme.New(true)
	res := resource.NewStore()
	sbs := rows(1) // running
	res.Apply(resource.SampledMsg{Source: "docker", Asked: []string{sbs[0].ID}, Samples: map[string]backend.ResourceSample{
		sbs[0].ID: {CPUPercent: 190, HasCPU: true, CPULimit: 2, MemUsed: 950 << 20, MemLimit: 1 << 30, HasMem: true},
	}})
	m := New(th, WithClock(func() time.Time { return now })).SetSize(120, 5).SetSandboxes(sbs).SetResources(res, true)
	cpu, mem, _, _, _ := m.resourceCells(sbs[0])
	if want := th.Styles.Warning.Render("190"); cpu != want || want == "190" {
		t.Errorf("cpu cell %q, want %q", cpu, want)
	}
	if want := th.Styles.Warning.Render("950M/1.0G"); mem != want {
		t.Errorf("mem cell %q, want %q", mem, want)
	}
}

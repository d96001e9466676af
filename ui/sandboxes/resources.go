package sandboxes

import (
	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/resource"
)

// SetResources gives the table the resource use sampled and whether its
// columns are wanted. A table sorted by weight re-sorts, keeping the
// cursor on the same sandbox.
func (m Model) SetResources(res resource.Store, on bool) Model {
	m.res, m.resOn = res, on
	if by := SortKey(m.list.SortBy); by == ByCPU || by == ByMem {
		sel, had := m.Selected()
		return m.reorder(sel.Key(), had)
	}
	return m
}

// ResourceColumns reports whether resource columns are on screen: wanted,
// and the table is wide enough for at least the CPU column.
func (m Model) ResourceColumns() bool {
	if !m.resOn || m.width <= 0 || m.height <= 1 {
		return false
	}
	cols, idx := m.columns()
	widths := m.layout(cols)
	for i, ci := range idx {
		if ci == colCPU {
			return widths[i] > 0
		}
	}
	return false
}

// Visible returns the sandboxes on screen, top to bottom.
func (m Model) Visible() []backend.Sandbox {
	l := m.list
	end := min(len(l.Order), l.Offset+l.Rows())
	out := make([]backend.Sandbox, 0, max(0, end-l.Offset))
	for i := l.Offset; i < end; i++ {
		out = append(out, m.all[l.Order[i]])
	}
	return out
}

// sortHeavy sorts by CPU, heaviest first; when already so, by memory.
func (m Model) sortHeavy() Model {
	by := ByCPU
	if SortKey(m.list.SortBy) == ByCPU && !m.list.Desc {
		by = ByMem
	}
	m.list.SortBy, m.list.Desc = int(by), false
	sel, had := m.Selected()
	return m.reorder(sel.Key(), had)
}

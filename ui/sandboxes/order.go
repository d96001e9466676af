package sandboxes

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/resource"
)

// SortKey is the column the table is sorted by.
type SortKey int

// Sort keys, in the order the sort key cycles through them.
const (
	ByStatus SortKey = iota
	ByName
	ByAge
	ByImage
	BySource
	sortKeys
	// ByCPU and ByMem put the heaviest first. They are outside the sort
	// key's cycle (only the heavy key reaches them): without resource
	// figures they would order nothing.
	ByCPU SortKey = iota
	ByMem
)

// String names the sort key for the title bar.
func (k SortKey) String() string {
	return [...]string{"status", "name", "age", "image", "source", "", "cpu", "mem"}[k]
}

func compare(a, b backend.Sandbox, by SortKey, res resource.Store) int {
	var c int
	switch by {
	case ByCPU, ByMem:
		// Heaviest first; rows without a figure after every row with one.
		c = cmp.Compare(weight(b, by, res), weight(a, by, res))
	case ByStatus:
		c = cmp.Compare(a.Status.Rank(), b.Status.Rank())
	case ByAge:
		// Newest first reads as "ascending age".
		c = b.CreatedAt.Compare(a.CreatedAt)
	case ByImage:
		c = strings.Compare(imageOf(a), imageOf(b))
	case BySource:
		c = strings.Compare(a.Source, b.Source)
	}
	if c == 0 {
		c = strings.Compare(a.ID, b.ID)
	}
	if c == 0 {
		c = strings.Compare(a.Source, b.Source)
	}
	return c
}

// order returns the indices of the sandboxes that match filter, sorted.
func order(sbs []backend.Sandbox, filter string, by SortKey, desc bool, res resource.Store) []int {
	idx := make([]int, 0, len(sbs))
	terms := strings.Fields(strings.ToLower(filter))
	for i, s := range sbs {
		if matches(s, terms) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		c := compare(sbs[i], sbs[j], by, res)
		if desc {
			return -c
		}
		return c
	})
	return idx
}

// Matches reports whether a sandbox matches a filter as the table's filter
// input does, so the command line's --filter selects what the dashboard
// shows for the same text: every whitespace-separated term must match,
// case-insensitively.
func Matches(s backend.Sandbox, filter string) bool {
	return matches(s, strings.Fields(strings.ToLower(filter)))
}

// matches reports whether every term appears in one of the fields a person
// would filter by: id, image, status, source, health. A term with a glob
// character (* ? [) must match the whole id instead ("oh-agent-*-ab*").
func matches(s backend.Sandbox, terms []string) bool {
	if len(terms) == 0 {
		return true
	}
	hay := strings.ToLower(strings.Join([]string{s.ID, imageOf(s), string(s.Status), s.RawState, s.Source, s.Health.State.String()}, " "))
	for _, t := range terms {
		if strings.ContainsAny(t, "*?[") {
			if ok, err := path.Match(t, strings.ToLower(s.ID)); err == nil && ok {
				continue
			}
			return false
		}
		if !strings.Contains(hay, t) {
			return false
		}
	}
	return true
}

// weight is the figure a heavy sort compares: -1 when there is none.
func weight(s backend.Sandbox, by SortKey, res resource.Store) float64 {
	smp, st := res.Of(s)
	switch {
	case st != resource.Known:
		return -1
	case by == ByCPU && smp.HasCPU:
		return smp.CPUPercent
	case by == ByMem && smp.HasMem:
		return float64(smp.MemUsed)
	}
	return -1
}

func imageOf(s backend.Sandbox) string {
	if s.SpecID != "" {
		return s.SpecID
	}
	return s.Image
}

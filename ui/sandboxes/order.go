package sandboxes

import (
	"cmp"
	"path"
	"slices"
	"strings"

	"github.com/ohdash/ohdash/backend"
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
)

// String names the sort key for the title bar.
func (k SortKey) String() string {
	return [...]string{"status", "name", "age", "image", "source"}[k]
}

func compare(a, b backend.Sandbox, by SortKey) int {
	var c int
	switch by {
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
func order(sbs []backend.Sandbox, filter string, by SortKey, desc bool) []int {
	idx := make([]int, 0, len(sbs))
	terms := strings.Fields(strings.ToLower(filter))
	for i, s := range sbs {
		if matches(s, terms) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(i, j int) int {
		c := compare(sbs[i], sbs[j], by)
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

func imageOf(s backend.Sandbox) string {
	if s.SpecID != "" {
		return s.SpecID
	}
	return s.Image
}

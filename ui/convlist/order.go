package convlist

import (
	"cmp"
	"slices"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// SortKey is the column the table is sorted by.
type SortKey int

// Sort keys, in the order the sort key cycles through them.
const (
	ByUpdated SortKey = iota
	ByTitle
	ByStatus
	ByModel
	ByCost
	ByTokens
	BySandbox
	sortKeys
)

// String names the sort key for the header.
func (k SortKey) String() string {
	if k < 0 || k >= sortKeys {
		return "?"
	}
	return [...]string{"updated", "title", "status", "model", "cost", "tokens", "sandbox"}[k]
}

// statusRank orders statuses by how much they want a person: first the
// ones that need attention, then live ones, then the settled.
func statusRank(s backend.ExecutionStatus) int {
	switch s {
	case backend.ExecWaitingForConfirmation:
		return 0
	case backend.ExecError:
		return 1
	case backend.ExecStuck:
		return 2
	case backend.ExecRunning:
		return 3
	case backend.ExecPaused:
		return 4
	case backend.ExecIdle:
		return 5
	case backend.ExecFinished:
		return 6
	case backend.ExecDeleting:
		return 7
	default:
		return 8
	}
}

// naturalAscending reports whether the column's natural order (see
// compare) reads as ascending in the column: text A to Z, the UPDATED age
// youngest first; cost and tokens are biggest first.
func (k SortKey) naturalAscending() bool { return k != ByCost && k != ByTokens }

// compare orders two rows by a column in its natural direction: newest,
// costliest and biggest first (what people look for), text A to Z. Ties
// fall back to newest first, then the key, so the order is total and a
// refresh never shuffles equal rows.
func compare(a, b *row, by SortKey) int {
	var c int
	switch by {
	case ByTitle:
		c = strings.Compare(a.titleKey, b.titleKey)
	case ByStatus:
		c = cmp.Compare(statusRank(a.c.Status), statusRank(b.c.Status))
	case ByModel:
		c = strings.Compare(a.model, b.model)
	case ByCost:
		c = cmp.Compare(b.c.Cost, a.c.Cost)
	case ByTokens:
		c = cmp.Compare(b.c.Tokens.Total(), a.c.Tokens.Total())
	case BySandbox:
		c = strings.Compare(a.sandbox, b.sandbox)
	}
	if c == 0 {
		c = b.c.UpdatedAt.Compare(a.c.UpdatedAt)
	}
	if c == 0 {
		c = strings.Compare(a.c.Key(), b.c.Key())
	}
	return c
}

// less is the full order: pinned rows first when pinning is on, each part
// in the chosen order (reversed by desc).
func less(a, b *row, by SortKey, desc, pin bool) int {
	if pin {
		if c := cmp.Compare(boolInt(!a.c.Status.NeedsAttention()), boolInt(!b.c.Status.NeedsAttention())); c != 0 {
			return c
		}
	}
	c := compare(a, b, by)
	if desc {
		return -c
	}
	return c
}

// order returns the indices of the rows that match filter, sorted.
func order(rows []*row, filter string, by SortKey, desc, pin bool) []int {
	idx := make([]int, 0, len(rows))
	terms := splitTerms(filter)
	for i := range rows {
		if matches(rows[i], terms) {
			idx = append(idx, i)
		}
	}
	slices.SortFunc(idx, func(i, j int) int { return less(rows[i], rows[j], by, desc, pin) })
	return idx
}

// matches reports whether every term appears in the title, id, model,
// sandbox or status.
func matches(r *row, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(r.hay, t) {
			return false
		}
	}
	return true
}

// display is the title cell's text.
func (r *row) display() string {
	if r.title != "" {
		return r.title
	}
	return r.shortID
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// Matches reports whether a conversation is one the / filter with this
// text shows: every word appears in its title, id, model, sandbox or
// status, case aside. The CLI's --filter selects by the same rule.
func Matches(c backend.Conversation, filter string) bool {
	return matches(newRow(c), splitTerms(filter))
}

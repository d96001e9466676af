// Package convlist is the table that lists conversations (the tab around
// it is ui/convtab): the agent conversations of one sandbox or of all of
// them, with live status, cost and tokens, sortable, filterable, with the
// ones that need a person pinned to the top. It renders only the rows on
// screen.
package convlist

import (
	"strings"
	"time"

	"charm.land/bubbles/v2/key"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/table"
)

// Model is the conversations table.
type Model struct {
	keys  KeyMap
	all   []*row         // rows are never changed in place: Models share them
	index map[string]int // Key() → index into all
	// list holds the order shown (indices into all), the cursor, the
	// scroll offset, the filter and the focus.
	list table.List
	pin  bool

	scope    string
	problems []string
	loading  bool

	attention     int // rows needing attention, before filtering
	content       contentWidths
	multiSandbox  bool
	width, height int
}

// Option configures a Model.
type Option func(*Model)

// WithClock sets the clock used for the updated column (tests pin it).
func WithClock(now func() time.Time) Option { return func(m *Model) { m.list.Now = now } }

// WithKeyMap replaces the default key bindings.
func WithKeyMap(k KeyMap) Option { return func(m *Model) { m.keys = k } }

// New returns an empty table, sorted by last update (newest first) with
// the conversations that need attention pinned to the top.
func New(th theme.Theme, opts ...Option) Model {
	m := Model{keys: DefaultKeyMap(), list: table.NewList(th, "filter by title, id, model, sandbox, status…", int(sortKeys)), pin: true}
	for _, o := range opts {
		o(&m)
	}
	return m
}

// SetConversations replaces the rows, keeping the cursor on the same
// conversation (by Key) when it is still there.
func (m Model) SetConversations(list []backend.Conversation) Model {
	sel, had := m.Selected()
	m.all = make([]*row, len(list))
	m.index = make(map[string]int, len(list))
	m.multiSandbox = false
	m.attention = 0
	m.content = contentWidths{}
	for i, c := range list {
		m.all[i] = newRow(c)
		m.content = m.content.grow(m.all[i])
		m.attention += boolInt(c.Status.NeedsAttention())
		m.index[c.Key()] = i
		if c.SandboxID != list[0].SandboxID || c.Source != list[0].Source {
			m.multiSandbox = true
		}
	}
	m.list = m.list.KeepMarks(func(k string) bool { _, ok := m.index[k]; return ok })
	return m.reorder(sel.Key(), had)
}

// Marked returns the marked conversations, in the order shown, then the
// marked ones the filter hides.
func (m Model) Marked() []backend.Conversation {
	if m.list.MarkCount() == 0 {
		return nil
	}
	out := make([]backend.Conversation, 0, m.list.MarkCount())
	shown := make(map[int]bool, len(m.list.Order))
	for _, i := range m.list.Order {
		shown[i] = true
		if m.list.Marked(m.all[i].c.Key()) {
			out = append(out, m.all[i].c)
		}
	}
	for i, r := range m.all {
		if !shown[i] && m.list.Marked(r.c.Key()) {
			out = append(out, r.c)
		}
	}
	return out
}

// MarkCount is the number of marked conversations.
func (m Model) MarkCount() int { return m.list.MarkCount() }

// SetMarked marks or unmarks the conversations with keys ks.
func (m Model) SetMarked(on bool, ks ...string) Model {
	m.list = m.list.SetMarked(on, ks...)
	return m
}

// Conversations returns every row's conversation, filtered out or not, in
// the order they were given.
func (m Model) Conversations() []backend.Conversation {
	out := make([]backend.Conversation, len(m.all))
	for i, r := range m.all {
		out[i] = r.c
	}
	return out
}

// UpdateConversation replaces the row with c's Key (a live status, cost or
// token count from the event stream). It does nothing when the row is not
// in the list: the next listing brings new conversations.
func (m Model) UpdateConversation(c backend.Conversation) Model {
	i, ok := m.index[c.Key()]
	if !ok {
		return m
	}
	old := m.all[i]
	r := newRow(c)
	// Copy on write: Models are values, and an older copy must keep
	// showing the row it had. Copying pointers keeps a tick cheap.
	m.all = append([]*row(nil), m.all...)
	m.all[i] = r
	m.attention += boolInt(c.Status.NeedsAttention()) - boolInt(old.c.Status.NeedsAttention())
	// Columns only grow until the next listing, so a row flipping status
	// does not make the table jump back and forth.
	m.content = m.content.grow(r)
	// Most stream updates change nothing the order depends on (the cost
	// ticks up while sorted by update time); skip the sort for them.
	terms := splitTerms(m.list.FilterText())
	if matches(old, terms) == matches(r, terms) && less(old, r, SortKey(m.list.SortBy), m.list.Desc, m.pin) == 0 {
		return m
	}
	sel, had := m.Selected()
	return m.reorder(sel.Key(), had)
}

// reorder re-filters and re-sorts, then puts the cursor back on the row
// with key selKey when there was one and it is still shown.
func (m Model) reorder(selKey string, had bool) Model {
	var at func(int) bool
	if had {
		at = func(i int) bool { return m.all[i].c.Key() == selKey }
	}
	m.list = m.list.Reorder(order(m.all, m.list.FilterText(), SortKey(m.list.SortBy), m.list.Desc, m.pin), at)
	return m
}

// Select moves the cursor to the conversation with this Key, when the
// list shows it; false leaves the list as it was.
func (m Model) Select(key string) (Model, bool) {
	n := m.reorder(key, true)
	if sel, ok := n.Selected(); ok && sel.Key() == key {
		return n, true
	}
	return m, false
}

// keepSelection re-sorts/filters and keeps the cursor where it was.
func (m Model) keepSelection() Model {
	sel, had := m.Selected()
	return m.reorder(sel.Key(), had)
}

// SetProblems sets the sanitised one-line problems shown under the table
// (sandboxes that could not be listed); nil hides the line.
func (m Model) SetProblems(p []string) Model {
	m.problems = make([]string, 0, len(p))
	for _, s := range p {
		if s = clean(s, 300); s != "" {
			m.problems = append(m.problems, s)
		}
	}
	m.list = m.list.SetSize(m.width, m.dataRows())
	return m
}

// SetScope sets the label shown, as is, at the start of the header:
// "conversations of oh-agent-server-abc", "conversations of all sandboxes".
func (m Model) SetScope(label string) Model { m.scope = clean(label, 200); return m }

// SetLoading marks the first listing as in flight: the header says
// "loading…" and an empty table does not claim there are none.
func (m Model) SetLoading(on bool) Model { m.loading = on; return m }

// Selected returns the conversation under the cursor.
func (m Model) Selected() (backend.Conversation, bool) {
	if i, ok := m.list.Current(); ok {
		return m.all[i].c, true
	}
	return backend.Conversation{}, false
}

// Len is the number of rows shown (after filtering).
func (m Model) Len() int { return m.list.Len() }

// Total is the number of conversations before filtering.
func (m Model) Total() int { return len(m.all) }

// Attention counts the conversations (before filtering) that need a person.
func (m Model) Attention() int { return m.attention }

// Sort reports the sort column and whether it is reversed.
func (m Model) Sort() (SortKey, bool) { return SortKey(m.list.SortBy), m.list.Desc }

// Pinned reports whether conversations needing attention are pinned.
func (m Model) Pinned() bool { return m.pin }

// FilterText is the active filter ("" when none).
func (m Model) FilterText() string { return m.list.FilterText() }

// Capturing reports whether the filter input has the keyboard, so the
// parent must not treat keys as shortcuts.
func (m Model) Capturing() bool { return m.list.Filtering }

// WantsEsc reports whether esc means something here (a filter is being
// typed or is applied, and esc clears it), so the root must pass it on.
func (m Model) WantsEsc() bool { return m.list.WantsEsc() }

// KeyMap returns the bindings, for help and remapping.
func (m Model) KeyMap() KeyMap { return m.keys }

// ShortHelp returns the bindings for the one-line help.
func (m Model) ShortHelp() []key.Binding {
	if m.list.Filtering {
		// Keys are typed into the filter: only these two act.
		return []key.Binding{m.keys.AcceptFilter, m.keys.ClearFilter}
	}
	return m.keys.ShortHelp()
}

// FullHelp returns the bindings for the full help.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Focus gives the table the keyboard.
func (m Model) Focus() Model { m.list.Focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.list.Focused = false; return m }

// Focused reports whether the table has the keyboard.
func (m Model) Focused() bool { return m.list.Focused }

// SetTheme restyles the table.
func (m Model) SetTheme(th theme.Theme) Model { m.list.Theme = th; return m }

// SetSize sets the size the table renders at, its header row and problems
// line included.
func (m Model) SetSize(w, h int) Model {
	m.width, m.height = max(0, w), max(0, h)
	m.list = m.list.SetSize(m.width, m.dataRows())
	return m
}

// dataRows is the room for data rows and the open filter input: the scope
// header and the column header take two rows, the problems line one.
func (m Model) dataRows() int {
	return max(0, m.height-2-boolInt(len(m.problems) > 0))
}

func splitTerms(filter string) []string { return strings.Fields(strings.ToLower(filter)) }

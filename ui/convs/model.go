// Package convs is the conversations list: agent conversations of one
// sandbox or of all of them, with execution status, model, cost, tokens
// and age. Conversations that need a person (waiting for confirmation, in
// error, stuck) are marked and, by default, pinned to the top.
package convs

import (
	"cmp"
	"slices"
	"strings"
	"time"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/table"
)

// SortKey is a column the list sorts by.
type SortKey int

// Sort columns, in the order the sort key cycles through them.
const (
	ByUpdated SortKey = iota
	ByTitle
	ByStatus
	ByCost
	sortKeys
)

func (k SortKey) String() string {
	return [...]string{"updated", "title", "status", "cost"}[k]
}

// Model is the conversations list. It is a value: keep what Update returns.
type Model struct {
	th   theme.Theme
	keys KeyMap
	now  func() time.Time

	all      []backend.Conversation
	order    []int
	cursor   int
	offset   int
	sortBy   SortKey
	asc      bool
	pin      bool
	scope    string
	loading  bool
	problems []string

	filter    textinput.Model
	filtering bool

	width, height int
	focused       bool
}

// Option configures a Model.
type Option func(*Model)

// WithClock sets the clock used for ages (tests pin it).
func WithClock(now func() time.Time) Option { return func(m *Model) { m.now = now } }

// WithKeyMap replaces the default bindings.
func WithKeyMap(k KeyMap) Option { return func(m *Model) { m.keys = k } }

// New returns an empty list, newest first, with needs-attention pinned.
func New(th theme.Theme, opts ...Option) Model {
	ti := textinput.New()
	ti.Prompt = "/"
	ti.Placeholder = "filter by title, id, model, sandbox, status…"
	m := Model{th: th, keys: DefaultKeyMap(), now: time.Now, filter: ti, pin: true}
	for _, o := range opts {
		o(&m)
	}
	return m
}

// SetConversations replaces the rows, keeping the cursor on the same
// conversation when it is still listed.
func (m Model) SetConversations(list []backend.Conversation) Model {
	sel, had := m.Selected()
	m.all = list
	m = m.reorder()
	if had {
		m = m.selectKey(sel.Key())
	}
	return m
}

// UpdateConversation replaces one row (found by Key), for live status and
// usage from the event stream. An unknown conversation is ignored.
func (m Model) UpdateConversation(c backend.Conversation) Model {
	for i := range m.all {
		if m.all[i].Key() == c.Key() {
			sel, had := m.Selected()
			all := slices.Clone(m.all) // rows are shared with older copies
			all[i] = c
			m.all = all
			m = m.reorder()
			if had {
				m = m.selectKey(sel.Key())
			}
			return m
		}
	}
	return m
}

// SetProblems sets the lines that say which sandboxes could not be listed.
func (m Model) SetProblems(p []string) Model { m.problems = p; m.offset = m.clamp(); return m }

// SetScope sets the header's description of what is listed.
func (m Model) SetScope(label string) Model { m.scope = label; return m }

// SetLoading marks a listing in flight.
func (m Model) SetLoading(on bool) Model { m.loading = on; return m }

// Selected returns the conversation under the cursor.
func (m Model) Selected() (backend.Conversation, bool) {
	if m.cursor < 0 || m.cursor >= len(m.order) {
		return backend.Conversation{}, false
	}
	return m.all[m.order[m.cursor]], true
}

// Len is the number of rows shown after filtering.
func (m Model) Len() int { return len(m.order) }

// Total is the number of conversations before filtering.
func (m Model) Total() int { return len(m.all) }

// Capturing reports whether the filter input has the keyboard.
func (m Model) Capturing() bool { return m.filtering }

// WantsEsc reports whether esc means something here: closing the filter
// input or clearing an applied filter.
func (m Model) WantsEsc() bool { return m.filtering || m.filter.Value() != "" }

// KeyMap returns the bindings in effect.
func (m Model) KeyMap() KeyMap { return m.keys }

// ShortHelp implements help.KeyMap.
func (m Model) ShortHelp() []key.Binding {
	if m.filtering {
		return []key.Binding{m.keys.AcceptFilter, m.keys.ClearFilter}
	}
	return m.keys.ShortHelp()
}

// FullHelp implements help.KeyMap.
func (m Model) FullHelp() [][]key.Binding { return m.keys.FullHelp() }

// Focus gives the list the keyboard.
func (m Model) Focus() Model { m.focused = true; return m }

// Blur takes the keyboard away.
func (m Model) Blur() Model { m.focused = false; return m }

// Focused reports whether the list has the keyboard.
func (m Model) Focused() bool { return m.focused }

// SetTheme restyles the list.
func (m Model) SetTheme(th theme.Theme) Model { m.th = th; return m }

// SetSize sets the size the list renders at, its header rows included.
func (m Model) SetSize(w, h int) Model {
	m.width, m.height = w, h
	m.filter.SetWidth(max(10, w-2))
	m.offset = m.clamp()
	return m
}

// visibleRows is the number of data rows: the title and column header
// take two rows, the filter input and the problems line one each.
func (m Model) visibleRows() int {
	n := m.height - 2
	if m.filtering {
		n--
	}
	if len(m.problems) > 0 {
		n--
	}
	return max(0, n)
}

func (m Model) clamp() int { return table.Window(m.cursor, m.offset, m.visibleRows(), len(m.order)) }

func (m Model) reorder() Model {
	m.order = m.sorted()
	m.cursor = max(0, min(m.cursor, len(m.order)-1))
	m.offset = m.clamp()
	return m
}

func (m Model) selectKey(k string) Model {
	for i, idx := range m.order {
		if m.all[idx].Key() == k {
			m.cursor = i
			break
		}
	}
	m.offset = m.clamp()
	return m
}

// sorted filters and orders the rows. Ties break on the key, so the order
// is stable across refreshes.
func (m Model) sorted() []int {
	q := strings.ToLower(strings.TrimSpace(m.filter.Value()))
	idx := make([]int, 0, len(m.all))
	for i, c := range m.all {
		if q == "" || matches(c, q) {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int {
		ca, cb := m.all[a], m.all[b]
		if m.pin {
			if r := cmp.Compare(boolRank(cb.Status.NeedsAttention()), boolRank(ca.Status.NeedsAttention())); r != 0 {
				return r
			}
		}
		var r int
		switch m.sortBy {
		case ByTitle:
			r = cmp.Compare(strings.ToLower(ca.Title), strings.ToLower(cb.Title))
		case ByStatus:
			r = cmp.Compare(string(ca.Status), string(cb.Status))
		case ByCost:
			r = cmp.Compare(cb.Cost, ca.Cost)
		default:
			r = cb.UpdatedAt.Compare(ca.UpdatedAt)
		}
		if m.asc {
			r = -r
		}
		if r != 0 {
			return r
		}
		return cmp.Compare(ca.Key(), cb.Key())
	})
	return idx
}

func boolRank(b bool) int {
	if b {
		return 1
	}
	return 0
}

func matches(c backend.Conversation, q string) bool {
	for _, s := range []string{c.Title, c.ID, backend.ConversationIDHex(c.ID), c.Model, c.SandboxID, string(c.Status)} {
		if strings.Contains(strings.ToLower(s), q) {
			return true
		}
	}
	return false
}

// Update handles navigation, sorting, pinning and filtering when focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		if m.filtering {
			var cmd tea.Cmd
			m.filter, cmd = m.filter.Update(msg)
			return m, cmd
		}
		return m, nil
	}
	if m.filtering {
		return m.updateFilter(kp)
	}
	page := max(1, m.visibleRows()-1)
	switch {
	case key.Matches(kp, m.keys.Up):
		m.cursor--
	case key.Matches(kp, m.keys.Down):
		m.cursor++
	case key.Matches(kp, m.keys.PageUp):
		m.cursor -= page
	case key.Matches(kp, m.keys.PageDown):
		m.cursor += page
	case key.Matches(kp, m.keys.Home):
		m.cursor = 0
	case key.Matches(kp, m.keys.End):
		m.cursor = len(m.order) - 1
	case key.Matches(kp, m.keys.Filter):
		m.filtering = true
		m.offset = m.clamp()
		return m, m.filter.Focus()
	case key.Matches(kp, m.keys.ClearFilter):
		m.filter.SetValue("")
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.Sort):
		m.sortBy = (m.sortBy + 1) % sortKeys
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.Reverse):
		m.asc = !m.asc
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.Pin):
		m.pin = !m.pin
		return m.keepSelection(), nil
	default:
		return m, nil
	}
	m.cursor = max(0, min(m.cursor, len(m.order)-1))
	m.offset = m.clamp()
	return m, nil
}

func (m Model) updateFilter(kp tea.KeyPressMsg) (Model, tea.Cmd) {
	switch {
	case key.Matches(kp, m.keys.AcceptFilter):
		m.filtering = false
		m.filter.Blur()
		return m.keepSelection(), nil
	case key.Matches(kp, m.keys.ClearFilter):
		m.filtering = false
		m.filter.Blur()
		m.filter.SetValue("")
		return m.keepSelection(), nil
	}
	var cmd tea.Cmd
	m.filter, cmd = m.filter.Update(kp)
	return m.keepSelection(), cmd
}

func (m Model) keepSelection() Model {
	sel, had := m.Selected()
	m = m.reorder()
	if had {
		m = m.selectKey(sel.Key())
	}
	return m
}

package table

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// ListKeys are the keys every list table shares: moving, filtering and
// sorting. Tables embed them in their own KeyMap, so each keeps its own
// action names for remapping while moving works the same everywhere.
type ListKeys struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Filter, ClearFilter, AcceptFilter     key.Binding
	Sort, Reverse                         key.Binding
	// Mark toggles the row under the cursor; MarkAll marks every row the
	// filter shows; Unmark clears every mark.
	Mark, MarkAll, Unmark key.Binding
}

// DefaultListKeys returns the default list bindings.
func DefaultListKeys() ListKeys {
	return ListKeys{
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup", "ctrl+b"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown", "ctrl+f"), key.WithHelp("pgdn", "page down")),
		Home:         key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "first")),
		End:          key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "last")),
		Filter:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "filter")),
		ClearFilter:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear filter")),
		AcceptFilter: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep filter")),
		Sort:         key.NewBinding(key.WithKeys("s"), key.WithHelp("s", "sort by next column")),
		Reverse:      key.NewBinding(key.WithKeys("S"), key.WithHelp("S", "reverse sort")),
		Mark:         key.NewBinding(key.WithKeys("space"), key.WithHelp("space", "mark/unmark row")),
		MarkAll:      key.NewBinding(key.WithKeys("*"), key.WithHelp("*", "mark all shown (filter)")),
		Unmark:       key.NewBinding(key.WithKeys("u"), key.WithHelp("u", "clear marks")),
	}
}

// Movement lists the moving keys, for full help.
func (k ListKeys) Movement() []key.Binding {
	return []key.Binding{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End}
}

// Move applies a moving key to cursor in a list of n rows showing page
// rows at a time. It reports false for any other key. The result is not
// clamped: the table clamps it with its scroll offset.
func (k ListKeys) Move(kp tea.KeyPressMsg, cursor, n, page int) (int, bool) {
	step := max(1, page-1) // a page keeps one row of context
	switch {
	case key.Matches(kp, k.Up):
		return cursor - 1, true
	case key.Matches(kp, k.Down):
		return cursor + 1, true
	case key.Matches(kp, k.PageUp):
		return cursor - step, true
	case key.Matches(kp, k.PageDown):
		return cursor + step, true
	case key.Matches(kp, k.Home):
		return 0, true
	case key.Matches(kp, k.End):
		return n - 1, true
	}
	return cursor, false
}

// Marking lists the mark keys, for full help.
func (k ListKeys) Marking() []key.Binding { return []key.Binding{k.Mark, k.MarkAll, k.Unmark} }

// Bindings names the list bindings "<prefix>.up", "<prefix>.filter"…, so
// every table's keys are remapped under the same action names.
func (k *ListKeys) Bindings(prefix string) map[string]*key.Binding {
	return map[string]*key.Binding{
		prefix + ".up": &k.Up, prefix + ".down": &k.Down,
		prefix + ".page_up": &k.PageUp, prefix + ".page_down": &k.PageDown,
		prefix + ".first": &k.Home, prefix + ".last": &k.End,
		prefix + ".filter": &k.Filter, prefix + ".clear_filter": &k.ClearFilter, prefix + ".accept_filter": &k.AcceptFilter,
		prefix + ".sort": &k.Sort, prefix + ".reverse": &k.Reverse,
		prefix + ".mark": &k.Mark, prefix + ".mark_all": &k.MarkAll, prefix + ".unmark": &k.Unmark,
	}
}

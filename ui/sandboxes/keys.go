package sandboxes

import "charm.land/bubbles/v2/key"

// KeyMap holds the table's own keys: moving, sorting and filtering.
// Lifecycle actions belong to the root, which owns confirmation.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Filter, ClearFilter, AcceptFilter     key.Binding
	Sort, Reverse                         key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
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
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Filter, k.Sort} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Filter, k.ClearFilter, k.Sort, k.Reverse},
	}
}

// Bindings names every binding by a stable action name, so configuration
// can remap keys.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"sandboxes.up": &k.Up, "sandboxes.down": &k.Down,
		"sandboxes.page_up": &k.PageUp, "sandboxes.page_down": &k.PageDown,
		"sandboxes.first": &k.Home, "sandboxes.last": &k.End,
		"sandboxes.filter": &k.Filter, "sandboxes.clear_filter": &k.ClearFilter, "sandboxes.accept_filter": &k.AcceptFilter,
		"sandboxes.sort": &k.Sort, "sandboxes.reverse": &k.Reverse,
	}
}

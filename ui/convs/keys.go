package convs

import "charm.land/bubbles/v2/key"

// KeyMap holds the table's own keys: moving, sorting, filtering and
// pinning. Conversation actions (pause, run, accept, …) belong to the
// root, which owns confirmation and the backends.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Home, End key.Binding
	Filter, ClearFilter, AcceptFilter     key.Binding
	Sort, Reverse, Pin                    key.Binding
}

// DefaultKeyMap returns the default bindings. None of them is a key the
// root owns (see the brief): "!" pins, "s"/"S" sort.
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
		Pin:          key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "pin needs-attention")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Filter, k.Sort, k.Pin} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Home, k.End},
		{k.Filter, k.ClearFilter, k.AcceptFilter, k.Sort, k.Reverse, k.Pin},
	}
}

// Bindings names every binding by a stable action name, so configuration
// can remap keys and the root can check for clashes.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"convs.up": &k.Up, "convs.down": &k.Down,
		"convs.page_up": &k.PageUp, "convs.page_down": &k.PageDown,
		"convs.first": &k.Home, "convs.last": &k.End,
		"convs.filter": &k.Filter, "convs.clear_filter": &k.ClearFilter, "convs.accept_filter": &k.AcceptFilter,
		"convs.sort": &k.Sort, "convs.reverse": &k.Reverse, "convs.pin": &k.Pin,
	}
}

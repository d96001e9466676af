package logs

import "charm.land/bubbles/v2/key"

// KeyMap holds the logs pane's key bindings. Every action goes through one
// of these bindings (key.Matches), and help is generated from the same
// values, so the two cannot drift apart.
type KeyMap struct {
	Follow       key.Binding
	Up           key.Binding
	Down         key.Binding
	PageUp       key.Binding
	PageDown     key.Binding
	HalfPageUp   key.Binding
	HalfPageDown key.Binding
	Top          key.Binding
	Bottom       key.Binding
	Left         key.Binding
	Right        key.Binding
	Wrap         key.Binding
	Timestamps   key.Binding
	Search       key.Binding
	SearchNext   key.Binding
	SearchPrev   key.Binding
	SearchClear  key.Binding
	// SearchSubmit and SearchCancel act while the search input has focus.
	SearchSubmit key.Binding
	SearchCancel key.Binding
}

// DefaultKeyMap returns the default bindings (less/vim flavoured). Letters
// a parent is likely to use for navigation between panes (h, l, q, tab) are
// left alone.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Follow:       key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow")),
		Up:           key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:         key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:       key.NewBinding(key.WithKeys("pgup"), key.WithHelp("pgup", "page up")),
		PageDown:     key.NewBinding(key.WithKeys("pgdown"), key.WithHelp("pgdn", "page down")),
		HalfPageUp:   key.NewBinding(key.WithKeys("ctrl+u"), key.WithHelp("ctrl+u", "½ page up")),
		HalfPageDown: key.NewBinding(key.WithKeys("ctrl+d"), key.WithHelp("ctrl+d", "½ page down")),
		Top:          key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "oldest")),
		Bottom:       key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "newest, follow")),
		Left:         key.NewBinding(key.WithKeys("left"), key.WithHelp("←", "scroll left")),
		Right:        key.NewBinding(key.WithKeys("right"), key.WithHelp("→", "scroll right")),
		Wrap:         key.NewBinding(key.WithKeys("w"), key.WithHelp("w", "wrap")),
		Timestamps:   key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "timestamps")),
		Search:       key.NewBinding(key.WithKeys("/"), key.WithHelp("/", "search")),
		SearchNext:   key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "next match")),
		SearchPrev:   key.NewBinding(key.WithKeys("N"), key.WithHelp("N", "prev match")),
		SearchClear:  key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "clear search")),
		SearchSubmit: key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "search")),
		SearchCancel: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "cancel")),
	}
}

// Bindings maps stable action names to the bindings, so a configuration
// layer can remap keys (b.SetKeys(...)) without knowing the struct. The
// names are part of the configuration format: do not rename them.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"logs.follow":         &k.Follow,
		"logs.up":             &k.Up,
		"logs.down":           &k.Down,
		"logs.page_up":        &k.PageUp,
		"logs.page_down":      &k.PageDown,
		"logs.half_page_up":   &k.HalfPageUp,
		"logs.half_page_down": &k.HalfPageDown,
		"logs.top":            &k.Top,
		"logs.bottom":         &k.Bottom,
		"logs.left":           &k.Left,
		"logs.right":          &k.Right,
		"logs.wrap":           &k.Wrap,
		"logs.timestamps":     &k.Timestamps,
		"logs.search":         &k.Search,
		"logs.search_next":    &k.SearchNext,
		"logs.search_prev":    &k.SearchPrev,
		"logs.search_clear":   &k.SearchClear,
		"logs.search_submit":  &k.SearchSubmit,
		"logs.search_cancel":  &k.SearchCancel,
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Follow, k.Search, k.SearchNext, k.SearchPrev, k.Wrap, k.Timestamps}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.HalfPageUp, k.HalfPageDown},
		{k.Top, k.Bottom, k.Follow, k.Left, k.Right},
		{k.Search, k.SearchNext, k.SearchPrev, k.SearchClear, k.Wrap, k.Timestamps},
	}
}

// searchKeys returns the bindings in effect while the search input has
// focus, for help.
func (k KeyMap) searchKeys() []key.Binding {
	return []key.Binding{k.SearchSubmit, k.SearchCancel}
}

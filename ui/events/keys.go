package events

import "charm.land/bubbles/v2/key"

// KeyMap holds the events pane's keys. Conversation actions (message,
// accept, pause…) belong to the root.
type KeyMap struct {
	Up, Down, PageUp, PageDown, Top, Bottom key.Binding
	Follow, Expand, Collapse                key.Binding
	Kind, Source, Quiet                     key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:       key.NewBinding(key.WithKeys("up", "k"), key.WithHelp("↑/k", "up")),
		Down:     key.NewBinding(key.WithKeys("down", "j"), key.WithHelp("↓/j", "down")),
		PageUp:   key.NewBinding(key.WithKeys("pgup", "ctrl+u"), key.WithHelp("pgup", "page up")),
		PageDown: key.NewBinding(key.WithKeys("pgdown", "ctrl+d"), key.WithHelp("pgdn", "page down")),
		Top:      key.NewBinding(key.WithKeys("home", "g"), key.WithHelp("g/home", "oldest")),
		Bottom:   key.NewBinding(key.WithKeys("end", "G"), key.WithHelp("G/end", "newest, follow")),
		Follow:   key.NewBinding(key.WithKeys("f"), key.WithHelp("f", "follow on/off")),
		Expand:   key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "full JSON")),
		Collapse: key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "close JSON")),
		Kind:     key.NewBinding(key.WithKeys("t"), key.WithHelp("t", "filter kind")),
		Source:   key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "filter source")),
		Quiet:    key.NewBinding(key.WithKeys("v"), key.WithHelp("v", "show quiet events")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{k.Expand, k.Follow, k.Kind, k.Source, k.Quiet}
}

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
		{k.Follow, k.Expand, k.Collapse, k.Kind, k.Source, k.Quiet},
	}
}

// Bindings names every binding for remapping.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"events.up": &k.Up, "events.down": &k.Down, "events.page_up": &k.PageUp,
		"events.page_down": &k.PageDown, "events.top": &k.Top, "events.bottom": &k.Bottom,
		"events.follow": &k.Follow, "events.expand": &k.Expand, "events.collapse": &k.Collapse,
		"events.kind": &k.Kind, "events.source": &k.Source, "events.quiet": &k.Quiet,
	}
}

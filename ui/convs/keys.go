package convs

import (
	"charm.land/bubbles/v2/key"

	"github.com/ohdash/ohdash/ui/table"
)

// KeyMap holds the table's own keys: moving, sorting, filtering and
// pinning. Conversation actions (pause, run, accept, …) belong to the
// root, which owns confirmation and the backends.
type KeyMap struct {
	table.ListKeys
	Pin key.Binding
}

// DefaultKeyMap returns the default bindings. None of them is a key the
// root owns (see the brief): "!" pins, "s"/"S" sort.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		ListKeys: table.DefaultListKeys(),
		Pin:      key.NewBinding(key.WithKeys("!"), key.WithHelp("!", "pin needs-attention")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Filter, k.Sort, k.Pin} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		k.Movement(),
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

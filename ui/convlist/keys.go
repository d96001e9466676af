package convlist

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
		k.Marking(),
	}
}

// Bindings names every binding by a stable action name, so configuration
// can remap keys and the root can check for clashes.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	b := k.ListKeys.Bindings("convs")
	b["convs.pin"] = &k.Pin
	return b
}

package sandboxes

import (
	"charm.land/bubbles/v2/key"

	"github.com/ohdash/ohdash/ui/table"
)

// KeyMap holds the table's own keys: moving, sorting and filtering.
// Lifecycle actions belong to the root, which owns confirmation.
type KeyMap struct {
	table.ListKeys
	// SortHeavy sorts by CPU, heaviest first; pressed again, by memory.
	SortHeavy key.Binding
}

// DefaultKeyMap returns the default bindings.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		ListKeys:  table.DefaultListKeys(),
		SortHeavy: key.NewBinding(key.WithKeys("H"), key.WithHelp("H", "heaviest first (CPU, again: memory)")),
	}
}

// ShortHelp implements help.KeyMap.
func (k KeyMap) ShortHelp() []key.Binding { return []key.Binding{k.Filter, k.Sort} }

// FullHelp implements help.KeyMap.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		k.Movement(),
		{k.Filter, k.ClearFilter, k.Sort, k.Reverse, k.SortHeavy},
		k.Marking(),
	}
}

// Bindings names every binding by a stable action name, so configuration
// can remap keys.
func (k *KeyMap) Bindings() map[string]*key.Binding {
	b := k.ListKeys.Bindings("sandboxes")
	b["sandboxes.sort_heavy"] = &k.SortHeavy
	return b
}

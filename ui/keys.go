package ui

import "github.com/ohdash/ohdash/ui/keymap"

// Keys is every key binding of the dashboard (see package keymap).
type Keys = keymap.Set

// Clash is one key bound to several actions that are live together.
type Clash = keymap.Clash

// DefaultKeys returns every component's default bindings.
func DefaultKeys() Keys { return keymap.Default() }

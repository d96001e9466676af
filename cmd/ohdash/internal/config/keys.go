package config

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/ohdash/ohdash/ui"
)

// UIKeys returns the dashboard's key bindings with the [keys] remapping
// applied. Unknown actions, malformed keys and keys that would mean two
// things at once are errors: a clash is reported, never resolved silently.
func (c *Config) UIKeys() (ui.Keys, error) {
	keys := ui.DefaultKeys()
	all := keys.Bindings()
	actions := make([]string, 0, len(c.Keys))
	for a := range c.Keys {
		actions = append(actions, a)
	}
	slices.Sort(actions)
	var errs []string
	for _, a := range actions {
		b, ok := all[a]
		if !ok {
			errs = append(errs, fmt.Sprintf("%sunknown action %q%s", c.lineOf("keys", a), a, suggest(a, all)))
			continue
		}
		var list []string
		for _, k := range c.Keys[a] {
			norm, err := NormalizeKey(k)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s%s: %v", c.lineOf("keys", a), a, err))
				continue
			}
			list = append(list, norm)
		}
		if len(list) == 0 {
			// Unbound: the action can no longer be triggered, and the help
			// no longer lists it.
			b.SetKeys()
			b.SetEnabled(false)
			continue
		}
		b.SetKeys(list...)
		b.SetHelp(strings.Join(list, "/"), b.Help().Desc)
	}
	for _, cl := range keys.Clashes() {
		errs = append(errs, "key clash: "+cl.Error())
	}
	if len(errs) > 0 {
		return keys, fmt.Errorf("%w: [keys] in %s:\n  %s", ErrConfig, c.Meta.File, strings.Join(errs, "\n  "))
	}
	return keys, nil
}

// suggest names the known actions that share the unknown one's prefix.
func suggest(unknown string, all map[string]*key.Binding) string {
	prefix, _, _ := strings.Cut(unknown, ".")
	var near []string
	for a := range all {
		if strings.HasPrefix(a, prefix) {
			near = append(near, a)
		}
	}
	if len(near) == 0 {
		return " (`ohdash keys` lists every action)"
	}
	slices.Sort(near)
	if len(near) > 6 {
		near = append(near[:6], "…")
	}
	return " (did you mean one of " + strings.Join(near, ", ") + "?)"
}

// modifierOrder is the order Bubble Tea writes modifiers in a key name;
// a binding must use the same order to match.
var modifierOrder = []string{"ctrl", "alt", "shift", "meta", "hyper", "super"}

// keyAliases map the names people write to Bubble Tea's.
var keyAliases = map[string]string{
	"escape": "esc", "return": "enter", "pageup": "pgup", "pagedown": "pgdown",
	"del": "delete", "ins": "insert", " ": "space", "spacebar": "space", "bs": "backspace",
}

// namedKeys are the multi-letter key names Bubble Tea reports.
var namedKeys = map[string]bool{
	"enter": true, "tab": true, "backspace": true, "esc": true, "space": true,
	"up": true, "down": true, "left": true, "right": true, "begin": true,
	"insert": true, "delete": true, "pgup": true, "pgdown": true, "home": true, "end": true,
}

// NormalizeKey turns a key as a person writes it ("Ctrl+Shift+X",
// "PageUp", "escape") into the string Bubble Tea matches ("ctrl+shift+x",
// "pgup", "esc"), or explains what is wrong with it.
func NormalizeKey(k string) (string, error) {
	if k == "" {
		return "", errors.New("empty key")
	}
	if k == " " {
		return "space", nil
	}
	modPart, base := "", k
	switch {
	case k == "+":
	case strings.HasSuffix(k, "++"): // "ctrl++"
		modPart, base = k[:len(k)-2], "+"
	default:
		if i := strings.LastIndex(k, "+"); i >= 0 {
			modPart, base = k[:i], k[i+1:]
		}
	}
	if base == "" {
		return "", fmt.Errorf("key %q: no key after the modifiers", k)
	}
	var parts []string
	if modPart != "" {
		parts = strings.Split(modPart, "+")
	}
	mods := map[string]bool{}
	for _, m := range parts {
		m = strings.ToLower(strings.TrimSpace(m))
		if !slices.Contains(modifierOrder, m) {
			return "", fmt.Errorf("key %q: unknown modifier %q (ctrl, alt, shift, meta, hyper, super)", k, m)
		}
		mods[m] = true
	}
	if len([]rune(base)) > 1 {
		lower := strings.ToLower(base)
		if a, ok := keyAliases[lower]; ok {
			lower = a
		}
		if !namedKeys[lower] && !isFunctionKey(lower) {
			return "", fmt.Errorf("key %q: unknown key name %q", k, base)
		}
		base = lower
	} else if len(mods) > 0 && base != strings.ToLower(base) {
		// Terminals report ctrl+shift+a, never ctrl+A.
		base, mods["shift"] = strings.ToLower(base), true
	}
	var b strings.Builder
	for _, m := range modifierOrder {
		if mods[m] {
			b.WriteString(m + "+")
		}
	}
	b.WriteString(base)
	return b.String(), nil
}

func isFunctionKey(s string) bool {
	if len(s) < 2 || s[0] != 'f' {
		return false
	}
	n := 0
	for _, c := range s[1:] {
		if c < '0' || c > '9' {
			return false
		}
		n = n*10 + int(c-'0')
	}
	return n >= 1 && n <= 63
}

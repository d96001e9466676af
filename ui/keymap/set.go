package keymap

import (
	"fmt"
	"slices"
	"strings"

	"charm.land/bubbles/v2/key"

	"github.com/ohdash/ohdash/ui/composer"
	"github.com/ohdash/ohdash/ui/confirm"
	"github.com/ohdash/ohdash/ui/convlist"
	"github.com/ohdash/ohdash/ui/details"
	"github.com/ohdash/ohdash/ui/events"
	"github.com/ohdash/ohdash/ui/logs"
	"github.com/ohdash/ohdash/ui/sandboxes"
)

// Set gathers every key binding of the dashboard under stable action
// names ("sandbox.pause", "logs.follow"), so configuration can remap any
// action and clashes are found before the UI starts.
type Set struct {
	Root      Root
	Sandboxes sandboxes.KeyMap
	Details   details.KeyMap
	Logs      logs.KeyMap
	Confirm   confirm.KeyMap
	Convs     convlist.KeyMap
	Events    events.KeyMap
	Composer  composer.KeyMap
}

// Default returns every component's default bindings.
func Default() Set {
	return Set{
		Root:      DefaultRoot(),
		Sandboxes: sandboxes.DefaultKeyMap(),
		Details:   details.DefaultKeyMap(),
		Logs:      logs.DefaultKeyMap(),
		Confirm:   confirm.DefaultKeyMap(),
		Convs:     convlist.DefaultKeyMap(),
		Events:    events.DefaultKeyMap(),
		Composer:  composer.DefaultKeyMap(),
	}
}

// Bindings maps every action name to its binding; setting keys through
// the pointers remaps the action everywhere, help included.
func (k *Set) Bindings() map[string]*key.Binding {
	out := map[string]*key.Binding{}
	for _, m := range []map[string]*key.Binding{
		k.Root.Bindings(), k.Sandboxes.Bindings(), k.Details.Bindings(), k.Logs.Bindings(), k.Confirm.Bindings(),
		k.Convs.Bindings(), k.Events.Bindings(), k.Composer.Bindings(),
	} {
		for name, b := range m {
			out[name] = b
		}
	}
	return out
}

// keyContext is a set of actions that can fire at the same moment; one key
// must not mean two of them.
type keyContext struct {
	name    string
	actions []string
}

// globalActions are the root's keys that work whatever has the focus.
var globalActions = []string{
	"quit", "help", "next_pane", "zoom", "tab.logs", "tab.details", "tab.conversations", "tab.alerts",
	"reveal", "copy", "copy_url", "redraw", "mouse",
	"sandbox.start", "sandbox.pause", "sandbox.resume", "sandbox.delete",
	"tab.spend",
	"tab.resources", "resources",
	"sandbox.exec",
}

// conversationActions are live wherever a conversation is in focus.
func conversationActions() []string {
	return []string{"conversation.pause", "conversation.run", "conversation.interrupt", "conversation.delete",
		"conversation.stop", "conversation.approve", "conversation.reject", "conversation.send", "conversation.scope", "conversation.new"}
}

// contexts lists where keys are live together. Modal inputs (a filter or
// search being typed, a dialog) take every key while open, so they are
// checked on their own.
func contexts() []keyContext {
	with := func(name string, actions ...string) keyContext {
		return keyContext{name: name, actions: append(slices.Clone(globalActions), actions...)}
	}
	return []keyContext{
		with("sandboxes table", "open", "sandboxes.up", "sandboxes.down", "sandboxes.page_up", "sandboxes.page_down",
			"sandboxes.first", "sandboxes.last", "sandboxes.filter", "sandboxes.clear_filter", "sandboxes.sort", "sandboxes.reverse", "sandboxes.sort_heavy",
			"sandboxes.mark", "sandboxes.mark_all", "sandboxes.unmark",
			"sandbox.urls", "sandboxes.mark_where"),
		with("details pane", "back", "details.up", "details.down", "details.page_up", "details.page_down", "details.top", "details.bottom"),
		// logs.search_clear shares esc with "back" by design: the pane
		// takes esc only while a search is active.
		with("logs pane", "back", "logs.follow", "logs.up", "logs.down", "logs.page_up", "logs.page_down",
			"logs.half_page_up", "logs.half_page_down", "logs.top", "logs.bottom", "logs.left", "logs.right",
			"logs.wrap", "logs.timestamps", "logs.search", "logs.search_next", "logs.search_prev"),
		with("conversations list", append(conversationActions(), "back", "open", "convs.up", "convs.down",
			"convs.page_up", "convs.page_down", "convs.first", "convs.last", "convs.filter", "convs.sort",
			"convs.reverse", "convs.pin", "convs.mark", "convs.mark_all", "convs.unmark")...),
		// events.collapse shares esc with "back": the pane takes esc only
		// while an event is expanded.
		with("events pane", append(conversationActions(), "back", "events.up", "events.down", "events.page_up",
			"events.page_down", "events.top", "events.bottom", "events.follow", "events.expand", "events.kind",
			"events.source", "events.quiet")...),
		// While an event's JSON is open, the pane takes esc to close it.
		{name: "event JSON view", actions: []string{"events.collapse", "events.expand", "events.up", "events.down",
			"events.page_up", "events.page_down", "events.top", "events.bottom"}},
		// The spend pane scrolls with the details pane's keys.
		with("spend pane", "back", "details.up", "details.down", "details.page_up", "details.page_down", "details.top", "details.bottom"),
		{name: "conversations filter input", actions: []string{"convs.accept_filter", "convs.clear_filter"}},
		{name: "message composer", actions: []string{"composer.send", "composer.newline", "composer.cancel"}},
		{name: "filter input", actions: []string{"sandboxes.accept_filter", "sandboxes.clear_filter"}},
		{name: "logs search input", actions: []string{"logs.search_submit", "logs.search_cancel"}},
		{name: "confirmation dialog", actions: []string{"confirm.yes", "confirm.no", "confirm.toggle", "confirm.choose"}},
	}
}

// Clash is one key bound to several actions that are live together.
type Clash struct {
	Context string
	Key     string
	Actions []string
}

// Error describes the clash for a person fixing their configuration.
func (c Clash) Error() string {
	return fmt.Sprintf("key %q is bound to %s in the %s", c.Key, strings.Join(c.Actions, " and "), c.Context)
}

// Clashes returns every key that means two things at once, in a stable
// order. Remapped keymaps must be checked before the UI starts: a clash is
// reported, never silently resolved.
func (k Set) Clashes() []Clash {
	all := k.Bindings()
	var out []Clash
	for _, ctx := range contexts() {
		byKey := map[string][]string{}
		for _, action := range ctx.actions {
			b, ok := all[action]
			if !ok || !b.Enabled() {
				continue
			}
			for _, ks := range b.Keys() {
				if !slices.Contains(byKey[ks], action) {
					byKey[ks] = append(byKey[ks], action)
				}
			}
		}
		keys := make([]string, 0, len(byKey))
		for ks := range byKey {
			keys = append(keys, ks)
		}
		slices.Sort(keys)
		for _, ks := range keys {
			if acts := byKey[ks]; len(acts) > 1 {
				slices.Sort(acts)
				out = append(out, Clash{Context: ctx.name, Key: ks, Actions: acts})
			}
		}
	}
	return out
}

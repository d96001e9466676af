// Package keymap holds every key binding of the dashboard: the root's
// own keys (root.go) and the set of every component's keys with the
// clash check configuration goes through (set.go).
package keymap

import "charm.land/bubbles/v2/key"

// Root holds the root's keys: the ones that work everywhere, and the
// sandbox actions, which apply to the selected sandbox while the sandboxes
// table or one of its panes has the focus.
type Root struct {
	Quit, Help, Back, NextFocus, Open, Zoom key.Binding
	TabLogs, TabDetails, TabConversations   key.Binding
	Reveal, Copy, CopyURL, Redraw, Mouse    key.Binding

	Start, Pause, Resume, Delete key.Binding

	// Conversation actions apply to the conversation in focus on the
	// conversations tab. They use capitals (and a, n, m) so they never
	// share a key with the sandbox actions, which stay live everywhere.
	ConvPause, ConvRun, ConvInterrupt, ConvDelete, ConvStop key.Binding
	ConvAccept, ConvReject, ConvMessage, ConvScope          key.Binding
	// ConvNew starts a conversation on an OpenHands app-server.
	ConvNew key.Binding
	// TabResources shows the resources tab; Resources turns the
	// table's resource columns on and off.
	TabResources, Resources key.Binding
	// TabSpend shows the spend pane.
	TabSpend key.Binding
	// TabAlerts shows the recent alerts.
	TabAlerts key.Binding
	// Exec opens a shell (or a command runner) in the selected sandbox;
	// URLs lists its exposed URLs to open or copy.
	Exec, URLs key.Binding
	// MarkWhere marks the shown sandboxes a prune policy selects.
	MarkWhere key.Binding
}

// DefaultRoot returns the root's default bindings.
func DefaultRoot() Root {
	return Root{
		Quit:             key.NewBinding(key.WithKeys("q", "ctrl+c"), key.WithHelp("q", "quit")),
		Help:             key.NewBinding(key.WithKeys("?"), key.WithHelp("?", "help")),
		Back:             key.NewBinding(key.WithKeys("esc"), key.WithHelp("esc", "back")),
		NextFocus:        key.NewBinding(key.WithKeys("tab", "shift+tab"), key.WithHelp("tab", "switch pane")),
		Open:             key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "open")),
		Zoom:             key.NewBinding(key.WithKeys("z"), key.WithHelp("z", "zoom pane")),
		TabLogs:          key.NewBinding(key.WithKeys("1"), key.WithHelp("1", "logs")),
		TabDetails:       key.NewBinding(key.WithKeys("2"), key.WithHelp("2", "details")),
		TabConversations: key.NewBinding(key.WithKeys("3"), key.WithHelp("3", "conversations")),
		Reveal:           key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "reveal/mask secrets")),
		Copy:             key.NewBinding(key.WithKeys("y"), key.WithHelp("y", "copy id")),
		CopyURL:          key.NewBinding(key.WithKeys("Y"), key.WithHelp("Y", "copy agent URL")),
		Redraw:           key.NewBinding(key.WithKeys("ctrl+l"), key.WithHelp("ctrl+l", "redraw")),
		Mouse:            key.NewBinding(key.WithKeys("M"), key.WithHelp("M", "toggle mouse")),
		Start:            key.NewBinding(key.WithKeys("c"), key.WithHelp("c", "create sandbox")),
		Pause:            key.NewBinding(key.WithKeys("p"), key.WithHelp("p", "pause sandbox")),
		Resume:           key.NewBinding(key.WithKeys("r"), key.WithHelp("r", "resume sandbox")),
		Delete:           key.NewBinding(key.WithKeys("d", "delete"), key.WithHelp("d", "delete sandbox")),
		ConvPause:        key.NewBinding(key.WithKeys("P"), key.WithHelp("P", "pause conversation")),
		ConvRun:          key.NewBinding(key.WithKeys("R"), key.WithHelp("R", "run/resume conversation")),
		ConvInterrupt:    key.NewBinding(key.WithKeys("I"), key.WithHelp("I", "interrupt agent")),
		ConvDelete:       key.NewBinding(key.WithKeys("D"), key.WithHelp("D", "delete conversation")),
		ConvStop:         key.NewBinding(key.WithKeys("X"), key.WithHelp("X", "stop V0 conversation")),
		ConvAccept:       key.NewBinding(key.WithKeys("a"), key.WithHelp("a", "accept pending action")),
		ConvReject:       key.NewBinding(key.WithKeys("n"), key.WithHelp("n", "reject pending action")),
		ConvMessage:      key.NewBinding(key.WithKeys("m"), key.WithHelp("m", "message the agent")),
		ConvScope:        key.NewBinding(key.WithKeys("A"), key.WithHelp("A", "this sandbox / all sandboxes")),
		ConvNew:          key.NewBinding(key.WithKeys("C"), key.WithHelp("C", "new conversation (app-server)")),
		TabResources:     key.NewBinding(key.WithKeys("4"), key.WithHelp("4", "resources")),
		Resources:        key.NewBinding(key.WithKeys("%"), key.WithHelp("%", "resource columns on/off")),
		TabSpend:         key.NewBinding(key.WithKeys("$"), key.WithHelp("$", "spend")),
		TabAlerts:        key.NewBinding(key.WithKeys("5"), key.WithHelp("5", "alerts")),
		Exec:             key.NewBinding(key.WithKeys("e"), key.WithHelp("e", "shell in sandbox")),
		MarkWhere:        key.NewBinding(key.WithKeys("W"), key.WithHelp("W", "mark by policy")),
		URLs:             key.NewBinding(key.WithKeys("o"), key.WithHelp("o", "open sandbox URLs")),
	}
}

// Bindings names every binding by a stable action name, so configuration
// can remap keys.
func (k *Root) Bindings() map[string]*key.Binding {
	return map[string]*key.Binding{
		"quit": &k.Quit, "help": &k.Help, "back": &k.Back, "next_pane": &k.NextFocus, "open": &k.Open,
		"zoom": &k.Zoom, "tab.logs": &k.TabLogs, "tab.details": &k.TabDetails,
		"tab.conversations": &k.TabConversations, "reveal": &k.Reveal, "copy": &k.Copy,
		"copy_url": &k.CopyURL, "redraw": &k.Redraw, "mouse": &k.Mouse,
		"sandbox.start": &k.Start, "sandbox.pause": &k.Pause, "sandbox.resume": &k.Resume,
		"sandbox.delete":     &k.Delete,
		"conversation.pause": &k.ConvPause, "conversation.run": &k.ConvRun,
		"conversation.interrupt": &k.ConvInterrupt, "conversation.delete": &k.ConvDelete,
		"conversation.stop": &k.ConvStop, "conversation.approve": &k.ConvAccept,
		"conversation.reject": &k.ConvReject, "conversation.send": &k.ConvMessage,
		"conversation.scope": &k.ConvScope, "conversation.new": &k.ConvNew,
		"tab.resources": &k.TabResources, "resources": &k.Resources,
		"tab.spend":    &k.TabSpend,
		"tab.alerts":   &k.TabAlerts,
		"sandbox.exec": &k.Exec, "sandbox.urls": &k.URLs, "sandboxes.mark_where": &k.MarkWhere,
	}
}

// global are the keys shown in every help screen.
func (k Root) Global() []key.Binding {
	return []key.Binding{k.NextFocus, k.Open, k.Back, k.Zoom, k.TabLogs, k.TabDetails, k.TabConversations, k.TabResources, k.TabAlerts, k.TabSpend, k.Help, k.Quit}
}

func (k Root) More() []key.Binding {
	return []key.Binding{k.Reveal, k.Copy, k.CopyURL, k.Redraw, k.Mouse, k.Resources}
}

func (k Root) SandboxActions() []key.Binding {
	return []key.Binding{k.Start, k.Pause, k.Resume, k.Delete, k.Exec, k.URLs, k.MarkWhere}
}

func (k Root) ConversationActions() []key.Binding {
	return []key.Binding{k.ConvNew, k.ConvMessage, k.ConvAccept, k.ConvReject, k.ConvPause, k.ConvRun, k.ConvInterrupt, k.ConvDelete, k.ConvStop, k.ConvScope}
}

package alert

import "github.com/ohdash/ohdash/backend"

// Tap connects a detector to a notifier: what the dashboard hangs on the
// streams it already reads (the hub's snapshots, the conversation
// listings), so alerts come from them and from no poll of their own.
type Tap struct {
	D *Detector
	N Notifier
}

// Snapshot raises the alerts one snapshot implies.
func (t Tap) Snapshot(s backend.Snapshot) {
	for _, a := range t.D.Sandboxes(s) {
		t.N.Notify(a)
	}
}

// Listed raises the alerts one sandbox's conversation listing implies.
func (t Tap) Listed(sb backend.Sandbox, list []backend.Conversation) {
	for _, a := range t.D.Conversations(sb, list) {
		t.N.Notify(a)
	}
}

// Fleet raises the alerts of a fleet-wide listing, skipping the sandboxes
// whose listing failed (their conversations are not gone).
func (t Tap) Fleet(res []backend.SandboxConversations) {
	for _, r := range res {
		if r.Err == nil {
			t.Listed(r.Sandbox, r.Conversations)
		}
	}
}

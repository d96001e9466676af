package convtab

import (
	"context"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/pane"
)

// Starter starts conversations on the backends that can: OpenHands
// app-servers, which make a sandbox and a conversation from one request
// and report the way there as a start task.
type Starter interface {
	// CanStart reports whether the backend named source starts
	// conversations.
	CanStart(source string) bool
	// Start starts a conversation on source with text as its first
	// message, calls progress with each new status of its start task
	// (from its own goroutine), and returns the conversation's sandbox
	// and id once it is READY. It is guarded and audited by its maker.
	Start(ctx context.Context, source, text string, progress func(status string)) (sandboxID, convID string, err error)
}

// newRequest is the payload of the new-conversation composer.
type newRequest struct{ source string }

// draftKey keeps the unsent task of a new conversation apart from the
// drafts of messages to existing ones.
func (r newRequest) draftKey() string { return "new:" + r.source }

// pendingFor is how long a started conversation is looked for in the
// listings before the tab stops waiting for it to show up.
const pendingFor = time.Minute

// newProgressMsg carries a start task's new status; newDoneMsg its end.
// Both carry the channel the next one comes on.
type newProgressMsg struct {
	op      int
	source  string
	status  string
	updates <-chan tea.Msg
}

type newDoneMsg struct {
	pane.OpDoneMsg
	req               newRequest
	text              string
	sandboxID, convID string
}

// newConversation handles the new-conversation key: refused in read-only
// mode, else the composer opens for the task of the new conversation.
func (m Model) newConversation() (Model, tea.Cmd) {
	host := m.c.Host
	src := m.newSource()
	if m.c.ReadOnly {
		host.Refuse(pane.Refusal{Kind: "conversation", Action: "new", Source: src})
		return m, nil
	}
	if src == "" {
		host.Warn("no OpenHands app-server is configured: new conversations start on [[openhands]] backends")
		return m, nil
	}
	req := newRequest{source: src}
	host.Compose("new conversation on "+src+": what should the agent do?", m.drafts[req.draftKey()], req)
	return m, nil
}

// newSource is the backend a new conversation starts on: the selected
// sandbox's when it can, else the first that can.
func (m Model) newSource() string {
	st := m.cfg.Starter
	if st == nil {
		return ""
	}
	if m.world.OK && st.CanStart(m.world.Selected.Source) {
		return m.world.Selected.Source
	}
	for _, b := range m.c.Hub.Backends() {
		if st.CanStart(b.Name()) {
			return b.Name()
		}
	}
	return ""
}

// runNew starts the conversation in the background; its start task's
// statuses come back one message at a time and reword the action on the
// message line.
func (m Model) runNew(req newRequest, text string) (Model, tea.Cmd) {
	desc := "starting a conversation on " + req.source
	id := m.c.Host.StartOp(desc, "started a conversation on "+req.source, m.c.Now())
	st, ctx := m.cfg.Starter, m.c.Ctx
	updates := make(chan tea.Msg, 16)
	return m, func() tea.Msg {
		go func() {
			sbID, cid, err := st.Start(ctx, req.source, text, func(status string) {
				select {
				case updates <- newProgressMsg{op: id, source: req.source, status: status, updates: updates}:
				default: // a status or two behind is no loss: the end is never dropped
				}
			})
			updates <- newDoneMsg{OpDoneMsg: pane.OpDoneMsg{ID: id, Err: err}, req: req, text: text, sandboxID: sbID, convID: cid}
		}()
		return <-updates
	}
}

func waitNew(updates <-chan tea.Msg) tea.Cmd {
	return func() tea.Msg { return <-updates }
}

// newProgress shows a start task's new status on the message line.
func (m Model) newProgress(msg newProgressMsg) (Model, tea.Cmd) {
	m.c.Host.UpdateOp(msg.op, "starting a conversation on "+msg.source+": "+msg.status)
	return m, waitNew(msg.updates)
}

// finishNew reports how the start ended; a started conversation is
// looked for in the list of all sandboxes and opened once it shows.
func (m Model) finishNew(msg newDoneMsg) (Model, tea.Cmd) {
	if msg.Err != nil {
		m.drafts[msg.req.draftKey()] = msg.text // what was typed is not lost
		m.c.Host.FinishOp(msg.OpDoneMsg)
		return m, nil
	}
	delete(m.drafts, msg.req.draftKey())
	msg.Created = backend.ConversationIDHex(msg.convID)
	if len(msg.Created) > 8 {
		msg.Created = msg.Created[:8]
	}
	msg.Created += " in " + msg.sandboxID
	m.c.Host.FinishOp(msg.OpDoneMsg)
	m.pending = backend.Conversation{Source: msg.req.source, SandboxID: msg.sandboxID, ID: msg.convID}.Key()
	m.pendingUntil = m.c.Now().Add(pendingFor)
	m.all = true
	return m.refresh()
}

// openPending selects the started conversation once a listing has it;
// the cursor's move then opens its events as any selection does.
func (m Model) openPending() Model {
	if m.pending == "" {
		return m
	}
	if l, ok := m.list.Select(m.pending); ok {
		m.list, m.pending = l, ""
		return m
	}
	if m.c.Now().After(m.pendingUntil) {
		m.pending = ""
	}
	return m
}

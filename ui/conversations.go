package ui

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/convs"
	"github.com/ohdash/ohdash/ui/events"
)

// convState is the conversations tab: the list, the events of the open
// conversation, and the bookkeeping that keeps both fresh without ever
// holding more than one websocket.
type convState struct {
	list   convs.Model
	events events.Model
	area   convArea
	// all lists every running sandbox instead of the selected one.
	all bool
	// gen identifies the current listing scope; results of an older
	// scope are dropped. listing is true while a listing is in flight, so
	// a slow server never piles up requests.
	gen     int
	listing bool
	// listedFor is the scope key the list shows ("*" for all sandboxes).
	listedFor string
	// pollGen identifies the live refresh chain.
	pollGen int
	// settle counts cursor moves in the list; only a resting cursor opens
	// an event stream.
	settle int
	// open is the conversation whose events are shown.
	open backend.Conversation
	// drafts keeps unsent composer text per conversation.
	drafts map[string]string
}

// defaultConvRefresh is how often a shown list is re-read: conversation
// status changes are not pushed for conversations without a websocket.
const defaultConvRefresh = 5 * time.Second

// convListMsg carries a listing's result.
type convListMsg struct {
	gen      int
	list     []backend.Conversation
	problems []string
	// failed holds the keys of sandboxes whose listing failed: their rows
	// stay as last listed rather than vanish for one bad refresh (which
	// would also close the conversation being watched).
	failed map[string]bool
}

// convPollMsg is the refresh clock of the conversations list.
type convPollMsg struct{ gen int }

// convSettledMsg fires when the list cursor has rested.
type convSettledMsg struct{ n int }

func (m Model) convVisible() bool { return m.tab == tabConversations && m.cfg.Conversations != nil }

// convScopeKey names what the list should show now: the selected sandbox's
// key, "*" for all sandboxes, "" for nothing.
func (m Model) convScopeKey() string {
	if m.conv.all {
		return "*"
	}
	if sel, ok := m.table.Selected(); ok {
		return sel.Key()
	}
	return ""
}

// refreshConversations starts a listing unless one is in flight. A change
// of scope always starts one, and results of the old scope are ignored.
func (m Model) refreshConversations() (Model, tea.Cmd) {
	if !m.convVisible() {
		return m, nil
	}
	scope := m.convScopeKey()
	if scope != m.conv.listedFor {
		m.conv.gen++
		m.conv.listedFor = scope
		m.conv.listing = false
		m.conv.list = m.conv.list.SetConversations(nil).SetProblems(nil)
	}
	if m.conv.listing {
		return m, nil
	}
	src, ctx, gen := m.cfg.Conversations, m.ctx, m.conv.gen
	timeout := m.cfg.ActionTimeout
	switch {
	case scope == "":
		m.conv.list = m.conv.list.SetScope("conversations: no sandbox selected").SetLoading(false)
		return m, nil
	case scope == "*":
		sbs := m.allSandboxes()
		m.conv.list = m.conv.list.SetScope(fmt.Sprintf("conversations of all %d sandboxes", len(sbs))).SetLoading(true)
		m.conv.listing = true
		return m, func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return fleetListing(gen, src.AllConversations(ctx, sbs))
		}
	default:
		sb, _ := m.table.Selected()
		m.conv.list = m.conv.list.SetScope("conversations of " + sb.ID).SetLoading(true)
		m.conv.listing = true
		if sb.Status != backend.StatusRunning {
			m.conv.listing = false
			m.conv.list = m.conv.list.SetLoading(false).SetConversations(nil).
				SetProblems([]string{fmt.Sprintf("%s is %s: its agent-server answers once it runs (r resumes it)", sb.ID, sb.Status)})
			return m, nil
		}
		return m, func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			list, err := src.Conversations(ctx, sb)
			msg := convListMsg{gen: gen, list: list}
			if err != nil {
				msg.problems = []string{sb.ID + ": " + describeConvErr(err)}
				msg.failed = map[string]bool{sb.Key(): true}
			}
			return msg
		}
	}
}

func fleetListing(gen int, res []backend.SandboxConversations) convListMsg {
	msg := convListMsg{gen: gen}
	for _, r := range res {
		msg.list = append(msg.list, r.Conversations...)
		// A sandbox that is not running has no conversations to list;
		// that is its state, not a problem worth a line.
		if r.Err != nil && !errors.Is(r.Err, backend.ErrUnavailable) {
			msg.problems = append(msg.problems, r.Sandbox.ID+": "+describeConvErr(r.Err))
			if msg.failed == nil {
				msg.failed = make(map[string]bool)
			}
			msg.failed[r.Sandbox.Key()] = true
		}
	}
	return msg
}

// describeConvErr adds what a person can do about the common failures.
func describeConvErr(err error) string {
	switch {
	case errors.Is(err, backend.ErrUnauthorized):
		return err.Error() + " (wrong session API key)"
	case errors.Is(err, backend.ErrUnavailable):
		return err.Error() + " (agent-server unreachable or dormant)"
	}
	return err.Error()
}

func (m Model) allSandboxes() []backend.Sandbox {
	var out []backend.Sandbox
	for _, src := range m.sources {
		out = append(out, m.snaps[src].Sandboxes...)
	}
	return out
}

// applyConvList shows a listing and schedules the next refresh.
func (m Model) applyConvList(msg convListMsg) (Model, tea.Cmd) {
	if msg.gen != m.conv.gen {
		return m, nil
	}
	m.conv.listing = false
	list := msg.list
	if len(msg.failed) > 0 {
		for _, c := range m.conv.list.Conversations() {
			if msg.failed[c.SandboxKey()] {
				list = append(list, c)
			}
		}
	}
	m.conv.list = m.conv.list.SetLoading(false).SetConversations(list).SetProblems(msg.problems)
	if m.conv.open.ID != "" {
		// The stream knows the open conversation's status better than a
		// listing that may be a few seconds old.
		m = m.syncOpenConversation()
	}
	return m.convSelectionChanged()
}

// convPoll keeps a shown list fresh; the chain dies when the tab is left.
func (m Model) convPoll(msg convPollMsg) (Model, tea.Cmd) {
	if msg.gen != m.conv.pollGen || !m.convVisible() {
		return m, nil
	}
	m, cmd := m.refreshConversations()
	return m, tea.Batch(cmd, m.convPollCmd())
}

func (m Model) convPollCmd() tea.Cmd {
	gen := m.conv.pollGen
	return tea.Tick(m.convPollEvery(), func(time.Time) tea.Msg { return convPollMsg{gen: gen} })
}

// convPollEvery is the refresh interval. Across all sandboxes every
// refresh asks each running agent-server, so with many of them the list
// refreshes more slowly: a second per 40 sandboxes keeps a fleet of a
// thousand at about 25 calls a second.
func (m Model) convPollEvery() time.Duration {
	every := m.cfg.ConversationRefresh
	if !m.conv.all {
		return every
	}
	running := 0
	for _, sb := range m.allSandboxes() {
		if sb.Status == backend.StatusRunning {
			running++
		}
	}
	return max(every, time.Duration(running/40)*time.Second)
}

// enterConversations starts listing and polling when the tab is shown.
func (m Model) enterConversations() (Model, tea.Cmd) {
	if m.cfg.Conversations == nil {
		return m, nil
	}
	m.conv.pollGen++
	m, cmd := m.refreshConversations()
	return m, tea.Batch(cmd, m.convPollCmd())
}

// leaveConversations releases the websocket when the tab is hidden: only a
// conversation being looked at holds one.
func (m Model) leaveConversations() Model {
	m.conv.pollGen++
	m.conv.events = m.conv.events.Close()
	m.conv.open = backend.Conversation{}
	return m
}

// convSelectionChanged schedules the events pane to follow the list cursor.
func (m Model) convSelectionChanged() (Model, tea.Cmd) {
	sel, ok := m.conv.list.Selected()
	if ok && sel.Key() == m.conv.events.Key() {
		return m, nil
	}
	m.conv.settle++
	n := m.conv.settle
	return m, tea.Tick(settleDelay, func(time.Time) tea.Msg { return convSettledMsg{n: n} })
}

// followConversation opens the selected conversation's event stream.
func (m Model) followConversation(msg convSettledMsg) (Model, tea.Cmd) {
	if msg.n != m.conv.settle || !m.convVisible() {
		return m, nil
	}
	sel, ok := m.conv.list.Selected()
	if !ok {
		m.conv.events = m.conv.events.Close()
		m.conv.open = backend.Conversation{}
		return m, nil
	}
	if sel.Key() == m.conv.events.Key() {
		return m, nil
	}
	sb, found := m.sandboxOf(sel)
	if !found {
		return m, nil
	}
	m.conv.open = sel
	var cmd tea.Cmd
	m.conv.events, cmd = m.conv.events.Open(m.ctx, m.cfg.Conversations, m.cfg.Conversations, sb, sel)
	return m, cmd
}

// sandboxOf finds the sandbox a conversation lives in, from the latest
// snapshots (its key and URL may have changed since the listing).
func (m Model) sandboxOf(c backend.Conversation) (backend.Sandbox, bool) {
	for _, sb := range m.snaps[c.Source].Sandboxes {
		if sb.ID == c.SandboxID {
			return sb, true
		}
	}
	return backend.Sandbox{}, false
}

// syncOpenConversation copies the stream's live status, usage and latest
// event time into the list row of the open conversation.
func (m Model) syncOpenConversation() Model {
	st := m.conv.events.State()
	c := m.conv.open
	if c.ID == "" {
		return m
	}
	changed := false
	if st.Status != "" && st.Status != c.Status {
		c.Status, changed = st.Status, true
	}
	if st.HaveStats && (st.Cost != c.Cost || st.Tokens != c.Tokens) {
		c.Cost, c.Tokens, changed = st.Cost, st.Tokens, true
	}
	if st.LastEvent.After(c.UpdatedAt) {
		c.UpdatedAt, changed = st.LastEvent, true
	}
	if changed {
		m.conv.open = c
		m.conv.list = m.conv.list.UpdateConversation(c)
	}
	return m
}

// focusedConversation is the conversation an action applies to: the open
// one while the events pane has the keyboard, else the list's selection.
func (m Model) focusedConversation() (backend.Conversation, bool) {
	if m.conv.area == convEvents && m.conv.open.ID != "" {
		return m.conv.open, true
	}
	return m.conv.list.Selected()
}

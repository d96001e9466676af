// Package convtab is the conversations tab: the list of the conversations
// in the selected sandbox (or in all of them), the events of the open one,
// and the conversation actions. It keeps both fresh without ever holding
// more than one websocket, and polls only while it is shown.
package convtab

import (
	"context"
	"errors"
	"fmt"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/bulk"
	"github.com/ohdash/ohdash/ui/convlist"
	"github.com/ohdash/ohdash/ui/events"
	"github.com/ohdash/ohdash/ui/pane"
)

// Source is every conversation role the dashboard uses. The router in
// backend/convroute implements it for all sandbox flavors.
type Source interface {
	backend.ConversationLister
	backend.FleetConversationLister
	backend.ConversationController
	backend.EventStreamer
	backend.EventPager
}

// Config is what the tab needs beyond the shared context.
type Config struct {
	// Source lists, streams and acts on conversations; nil shows a
	// placeholder saying conversations are not available.
	Source Source
	// Refresh is how often a shown list is re-read (default 5 s).
	Refresh time.Duration
	// Starter starts conversations on app-servers; nil: the key says
	// none is configured.
	Starter Starter
}

// area is what has the keyboard inside the tab: the list of
// conversations, or the events of the open one.
type area int

const (
	areaList area = iota
	areaEvents
)

// Model is the conversations tab. It is a value, like every pane.
type Model struct {
	c       pane.Context
	cfg     Config
	th      theme.Theme
	world   pane.World
	visible bool
	focused bool
	// width and height are the tab's cells.
	width, height int

	list   convlist.Model
	events events.Model
	area   area
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
	// pending is the Key of a conversation just started, to open once a
	// listing shows it (until pendingUntil).
	pending      string
	pendingUntil time.Time
	// bulk is the bulk action under way on marked conversations.
	bulk *bulk.Progress
}

// New builds the tab. It does no I/O: listing starts when it is shown.
func New(c pane.Context, cfg Config) Model {
	if cfg.Refresh <= 0 {
		cfg.Refresh = defaultRefresh
	}
	return Model{
		c: c, cfg: cfg, th: c.Theme,
		list:   convlist.New(c.Theme, convlist.WithClock(c.Now), convlist.WithKeyMap(c.Keys.Convs)),
		events: events.New(c.Theme, events.WithClock(c.Now), events.WithKeyMap(c.Keys.Events)),
		drafts: map[string]string{},
	}
}

// defaultRefresh is how often a shown list is re-read: conversation
// status changes are not pushed for conversations without a websocket.
const defaultRefresh = 5 * time.Second

// DefaultRefresh is the list's refresh interval, for `ohdash watch`,
// which reads conversation lists at the dashboard's pace.
const DefaultRefresh = defaultRefresh

// PerSandboxPace is how much a fleet-wide refresh slows down per running
// sandbox (see convPollEvery): a second per 40.
const PerSandboxPace = time.Second / 40

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

func (m Model) convVisible() bool { return m.visible && m.cfg.Source != nil }

// convScopeKey names what the list should show now: the selected sandbox's
// key, "*" for all sandboxes, "" for nothing.
func (m Model) convScopeKey() string {
	if m.all {
		return "*"
	}
	if m.world.OK {
		return m.world.Selected.Key()
	}
	return ""
}

// refreshConversations starts a listing unless one is in flight. A change
// of scope always starts one, and results of the old scope are ignored.
func (m Model) refresh() (Model, tea.Cmd) {
	if !m.convVisible() {
		return m, nil
	}
	scope := m.convScopeKey()
	if scope != m.listedFor {
		m.gen++
		m.listedFor = scope
		m.listing = false
		m.list = m.list.SetConversations(nil).SetProblems(nil)
	}
	if m.listing {
		return m, nil
	}
	src, ctx, gen := m.cfg.Source, m.c.Ctx, m.gen
	timeout := m.c.ActionTimeout
	switch {
	case scope == "":
		m.list = m.list.SetScope("conversations: no sandbox selected").SetLoading(false)
		return m, nil
	case scope == "*":
		sbs := m.world.Sandboxes
		m.list = m.list.SetScope(fmt.Sprintf("conversations of all %d sandboxes", len(sbs))).SetLoading(true)
		m.listing = true
		return m, func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			return fleetListing(gen, src.AllConversations(ctx, sbs))
		}
	default:
		sb := m.world.Selected
		m.list = m.list.SetScope("conversations of " + sb.ID).SetLoading(true)
		m.listing = true
		if sb.Status != backend.StatusRunning {
			m.listing = false
			m.list = m.list.SetLoading(false).SetConversations(nil).
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

// applyConvList shows a listing and schedules the next refresh.
func (m Model) applyConvList(msg convListMsg) (Model, tea.Cmd) {
	if msg.gen != m.gen {
		return m, nil
	}
	m.listing = false
	list := msg.list
	if len(msg.failed) > 0 {
		for _, c := range m.list.Conversations() {
			if msg.failed[c.SandboxKey()] {
				list = append(list, c)
			}
		}
	}
	m.list = m.list.SetLoading(false).SetConversations(list).SetProblems(msg.problems)
	m = m.openPending()
	if m.open.ID != "" {
		// The stream knows the open conversation's status better than a
		// listing that may be a few seconds old.
		m = m.syncOpenConversation()
	}
	return m.convSelectionChanged()
}

// convPoll keeps a shown list fresh; the chain dies when the tab is left.
func (m Model) convPoll(msg convPollMsg) (Model, tea.Cmd) {
	if msg.gen != m.pollGen || !m.convVisible() {
		return m, nil
	}
	m, cmd := m.refresh()
	return m, tea.Batch(cmd, m.convPollCmd())
}

func (m Model) convPollCmd() tea.Cmd {
	gen := m.pollGen
	return tea.Tick(m.convPollEvery(), func(time.Time) tea.Msg { return convPollMsg{gen: gen} })
}

// convPollEvery is the refresh interval. Across all sandboxes every
// refresh asks each running agent-server, so with many of them the list
// refreshes more slowly: a second per 40 sandboxes keeps a fleet of a
// thousand at about 25 calls a second.
func (m Model) convPollEvery() time.Duration {
	every := m.cfg.Refresh
	if !m.all {
		return every
	}
	running := 0
	for _, sb := range m.world.Sandboxes {
		if sb.Status == backend.StatusRunning {
			running++
		}
	}
	return max(every, time.Duration(running/40)*time.Second) // PerSandboxPace, in whole seconds
}

// Show starts listing and polling when the tab is shown.
func (m Model) Show() (pane.Pane, tea.Cmd) {
	m.visible = true
	if m.cfg.Source == nil {
		return m, nil
	}
	m.pollGen++
	m, cmd := m.refresh()
	return m, tea.Batch(cmd, m.convPollCmd())
}

// Hide releases the websocket when the tab is hidden: only a
// conversation being looked at holds one.
func (m Model) Hide() pane.Pane {
	m.visible = false
	m.pollGen++
	m.events = m.events.Close()
	m.open = backend.Conversation{}
	return m
}

package events

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/stream"
)

// The stream's messages: its channel opened, one delivery, its end.
type (
	openedMsg = stream.Opened[backend.EventUpdate]
	updateMsg = stream.Item[backend.EventUpdate]
	closedMsg = stream.Closed[backend.EventUpdate]
)

// pageMsg carries a page of older history for stream gen.
type pageMsg struct {
	gen  uint64
	page backend.EventPage
	err  error
}

// detailMsg carries one event in full, for the JSON view.
type detailMsg struct {
	gen uint64
	id  string
	ev  backend.Event
	err error
}

// Open follows a conversation: it cancels the previous stream, clears the
// pane and returns the Cmd that starts the new stream. ctx bounds the
// stream (normally the program's context). A nil src shows that the
// sandbox's backend has no event stream.
func (m Model) Open(ctx context.Context, src backend.EventStreamer, pager backend.EventPager, sb backend.Sandbox, conv backend.Conversation) (Model, tea.Cmd) {
	m = m.Close()
	m.ctx, m.src, m.pager, m.sb, m.conv = ctx, src, pager, sb, conv
	m.items, m.vis = nil, nil
	m.evicted, m.olderMore, m.paging, m.pageErr, m.newestDropped = 0, true, false, nil, false
	m.cursor, m.offset, m.follow = 0, 0, true
	m.typing, m.skipped, m.closed = "", 0, false
	m.expanded, m.detailErr = false, nil
	m.state = State{Conn: backend.ConnState{Phase: backend.ConnConnecting}, Status: conv.Status,
		Cost: conv.Cost, Tokens: conv.Tokens}
	m.noSrc = src == nil
	if m.noSrc {
		m.closed = true
		m.state.Conn = backend.ConnState{Phase: backend.ConnClosed, Err: fmt.Errorf("events of %s: %w", conv.ID, backend.ErrUnsupported)}
		return m, nil
	}
	var sctx context.Context
	m.stream, sctx = m.stream.Start(ctx)
	tail, id := m.tail, conv.ID
	return m, stream.Open(m.stream.Gen(), func() (<-chan backend.EventUpdate, error) {
		return src.StreamEvents(sctx, sb, id, backend.StreamOptions{Tail: tail}), nil
	})
}

// Close cancels the stream; what is shown stays until the next Open.
func (m Model) Close() Model {
	m.stream = m.stream.Stop()
	return m
}

// handle takes the pane's own messages; ok is false for anything else.
func (m Model) handle(msg tea.Msg) (Model, tea.Cmd, bool) {
	switch msg := msg.(type) {
	case openedMsg:
		if !m.stream.Current(msg.Gen) {
			return m, stream.Drain(msg.Ch), true
		}
		return m, stream.Wait(msg.Gen, msg.Ch), true
	case updateMsg:
		if !m.stream.Current(msg.Gen) {
			return m, stream.Drain(msg.Ch), true
		}
		return m.apply(msg.Value), stream.Wait(msg.Gen, msg.Ch), true
	case closedMsg:
		if m.stream.Current(msg.Gen) {
			m.closed = true
			if m.state.Conn.Phase != backend.ConnClosed {
				m.state.Conn = backend.ConnState{Phase: backend.ConnClosed, Err: fmt.Errorf("stream ended")}
			}
		}
		return m, nil, true
	case pageMsg:
		if !m.stream.Current(msg.gen) {
			return m, nil, true
		}
		return m.prepend(msg), nil, true
	case detailMsg:
		if !m.stream.Current(msg.gen) || !m.expanded || msg.id != m.detailID {
			return m, nil, true
		}
		return m.showDetail(msg), nil, true
	}
	return m, nil, false
}

// apply takes one delivery: state, typing line, new events.
func (m Model) apply(u backend.EventUpdate) Model {
	m.state.Conn = u.Conn
	if u.Status != "" {
		m.state.Status = u.Status
	}
	if u.HaveStats {
		m.state.Cost, m.state.Tokens, m.state.HaveStats = u.Cost, u.Tokens, true
	}
	m.typing, m.skipped = u.Typing, u.Skipped
	if len(u.Events) == 0 {
		return m.clampView()
	}
	if t := u.Events[len(u.Events)-1].Time; t.After(m.state.LastEvent) {
		m.state.LastEvent = t
	}
	if m.newestDropped {
		// The newest events are not in memory: appending would leave a
		// gap. They are fetched again when the user returns to the bottom.
		return m
	}
	add := make([]item, 0, len(u.Events)+1)
	if u.BackFilled > 0 {
		add = append(add, item{marker: u.BackFilled})
	}
	for _, e := range u.Events {
		add = append(add, item{ev: e})
	}
	base := len(m.items)
	m.items = append(m.items, add...)
	for i, it := range add {
		if m.shows(it) {
			m.vis = append(m.vis, base+i)
		}
	}
	return m.evict().clampView()
}

// evict drops the oldest events beyond the cap. The slice is copied when
// it has shrunk a lot, so dropped events are really freed.
//
// Trimming waits until a quarter of the cap is over it: trimming at every
// delivery would copy the whole window for each event of a fast stream.
func (m Model) evict() Model {
	if len(m.items) <= m.maxEvents+m.maxEvents/4 {
		return m
	}
	over := len(m.items) - m.maxEvents
	for _, it := range m.items[:over] {
		if it.marker == 0 && !it.ev.Transient {
			m.evicted++
		}
	}
	m.olderMore = true
	m.items = append(make([]item, 0, m.maxEvents+m.maxEvents/4), m.items[over:]...)
	if !m.follow {
		m.cursor -= over
	}
	return m.reindexKeep(over)
}

// reindexKeep rebuilds the visible index after the first shift items went
// away or were added (negative), keeping the cursor on the same item.
func (m Model) reindexKeep(shift int) Model {
	var at = -1
	if m.cursor >= 0 && m.cursor < len(m.vis) {
		at = m.vis[m.cursor] - shift
	}
	m = m.reindex()
	if at >= 0 && !m.follow {
		for i, idx := range m.vis {
			if idx >= at {
				m.cursor = i
				break
			}
		}
	}
	return m
}

// wantOlder starts fetching the page before the oldest held event when
// the cursor is at the top and there may be more; one page at a time.
func (m Model) wantOlder() (Model, tea.Cmd) {
	if m.paging || !m.olderMore || m.pager == nil || m.cursor > 0 {
		return m, nil
	}
	var oldest backend.Event
	for _, it := range m.items {
		if it.marker == 0 && !it.ev.Transient {
			oldest = it.ev
			break
		}
	}
	if oldest.ID == "" {
		return m, nil
	}
	m.paging, m.pageErr = true, nil
	ctx, pager, sb, id, gen := m.ctx, m.pager, m.sb, m.conv.ID, m.stream.Gen()
	return m, func() tea.Msg {
		page, err := pager.EventsBefore(ctx, sb, id, backend.PageQuery{Before: oldest})
		return pageMsg{gen: gen, page: page, err: err}
	}
}

// prepend adds a page of older history above what is held. Over the cap,
// the newest events go: the user is reading history, not following.
func (m Model) prepend(msg pageMsg) Model {
	m.paging = false
	if msg.err != nil {
		m.pageErr = msg.err
		return m
	}
	m.olderMore = msg.page.More
	if len(msg.page.Events) == 0 {
		return m
	}
	add := make([]item, len(msg.page.Events))
	for i, e := range msg.page.Events {
		add[i] = item{ev: e}
	}
	m.evicted = max(0, m.evicted-len(add))
	m.follow = false
	m.items = append(add, m.items...)
	m = m.reindexKeep(-len(add))
	if over := len(m.items) - m.maxEvents; over > 0 {
		m.items = append([]item(nil), m.items[:m.maxEvents]...)
		m.newestDropped = true
		m = m.reindexKeep(0)
	}
	return m.clampView()
}

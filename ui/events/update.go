package events

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// Update handles the pane's stream messages always, and its keys while
// focused.
func (m Model) Update(msg tea.Msg) (Model, tea.Cmd) {
	if next, cmd, ok := m.handle(msg); ok {
		return next, cmd
	}
	kp, ok := msg.(tea.KeyPressMsg)
	if !ok || !m.focused {
		return m, nil
	}
	if m.expanded {
		return m.updateDetail(kp), nil
	}
	page := max(1, m.listRows()-1)
	switch {
	case key.Matches(kp, m.keys.Up):
		return m.move(-1)
	case key.Matches(kp, m.keys.Down):
		return m.move(1)
	case key.Matches(kp, m.keys.PageUp):
		return m.move(-page)
	case key.Matches(kp, m.keys.PageDown):
		return m.move(page)
	case key.Matches(kp, m.keys.Top):
		return m.move(-len(m.vis) - 1)
	case key.Matches(kp, m.keys.Bottom):
		return m.toBottom()
	case key.Matches(kp, m.keys.Follow):
		if m.follow {
			m.follow = false
			return m, nil
		}
		return m.toBottom()
	case key.Matches(kp, m.keys.Kind):
		m.kind = (m.kind + 1) % kindFilters
		return m.refilter(), nil
	case key.Matches(kp, m.keys.Source):
		m.source = (m.source + 1) % sourceFilters
		return m.refilter(), nil
	case key.Matches(kp, m.keys.Quiet):
		m.quiet = !m.quiet
		return m.refilter(), nil
	case key.Matches(kp, m.keys.Expand):
		return m.expand()
	}
	return m, nil
}

// move moves the cursor; moving up stops following, and reaching the top
// pages in older history.
func (m Model) move(n int) (Model, tea.Cmd) {
	if n < 0 {
		m.follow = false
	}
	m.cursor += n
	m = m.clampView()
	if n > 0 && m.cursor == len(m.vis)-1 && !m.newestDropped {
		m.follow = true
	}
	if n < 0 {
		return m.wantOlder()
	}
	return m, nil
}

// toBottom follows the newest events. If paging in history pushed them
// out of memory, the stream is opened again: it delivers the newest
// events and carries on live, with no gap.
func (m Model) toBottom() (Model, tea.Cmd) {
	if m.newestDropped {
		f := m.filters()
		m, cmd := m.Open(m.ctx, m.src, m.pager, m.sb, m.conv)
		return f.restore(m), cmd
	}
	m.follow = true
	return m.clampView(), nil
}

type filters struct {
	kind   kindFilter
	source sourceFilter
	quiet  bool
}

func (m Model) filters() filters { return filters{m.kind, m.source, m.quiet} }

func (f filters) restore(m Model) Model {
	m.kind, m.source, m.quiet = f.kind, f.source, f.quiet
	return m
}

func (m Model) refilter() Model {
	return m.reindexKeep(0).clampView()
}

// expand opens the selected event's full JSON, fetched from the server.
func (m Model) expand() (Model, tea.Cmd) {
	if m.cursor < 0 || m.cursor >= len(m.vis) {
		return m, nil
	}
	it := m.items[m.vis[m.cursor]]
	if it.marker > 0 {
		return m, nil
	}
	m.expanded, m.detailID, m.detailErr = true, it.ev.ID, nil
	m.detail = m.detail.Reset()
	if it.ev.ID == "" || m.pager == nil {
		// A transient event has no id to fetch: show what was received.
		return m.showDetail(detailMsg{gen: m.stream.Gen(), ev: it.ev}), nil
	}
	ctx, pager, sb, conv, id, gen := m.ctx, m.pager, m.sb, m.conv.ID, it.ev.ID, m.stream.Gen()
	return m, func() tea.Msg {
		ev, err := pager.Event(ctx, sb, conv, id)
		return detailMsg{gen: gen, id: id, ev: ev, err: err}
	}
}

func (m Model) updateDetail(kp tea.KeyPressMsg) Model {
	switch {
	case key.Matches(kp, m.keys.Collapse), key.Matches(kp, m.keys.Expand):
		m.expanded = false
	case key.Matches(kp, m.keys.Up):
		m.detail = m.detail.ScrollUp(1)
	case key.Matches(kp, m.keys.Down):
		m.detail = m.detail.ScrollDown(1)
	case key.Matches(kp, m.keys.PageUp):
		m.detail = m.detail.PageUp()
	case key.Matches(kp, m.keys.PageDown):
		m.detail = m.detail.PageDown()
	case key.Matches(kp, m.keys.Top):
		m.detail = m.detail.GotoTop()
	case key.Matches(kp, m.keys.Bottom):
		m.detail = m.detail.GotoBottom()
	}
	return m
}

// showDetail fills the JSON view. Every line goes through the log
// sanitiser: agent output inside the JSON is attacker-controlled.
func (m Model) showDetail(msg detailMsg) Model {
	if msg.err != nil {
		m.detailErr = msg.err
		return m
	}
	// Credentials an agent quoted are masked here as in every other view.
	raw := backend.MaskJSON(msg.ev.Raw)
	var text string
	var pretty bytes.Buffer
	switch {
	case len(raw) > 0 && json.Indent(&pretty, raw, "", "  ") == nil:
		text = pretty.String()
	case len(raw) > 0:
		text = string(raw)
	default:
		text = msg.ev.Kind + " from " + msg.ev.Source + ": " + msg.ev.Summary
	}
	if msg.ev.RawSize > len(raw) && len(raw) > 0 {
		text += "\n… cut at " + strconv.Itoa(len(raw)) + " of " + strconv.Itoa(msg.ev.RawSize) + " bytes"
	}
	lines := strings.Split(text, "\n")
	out := make([]logbuf.Line, len(lines))
	for i, l := range lines {
		s, w := sanitize.String(l, sanitize.Options{StripColor: true, Literal: true})
		out[i] = logbuf.Line{Seq: uint64(i + 1), Text: s, Width: w}
	}
	m.detail = m.detail.Reset().Append(out...).SetFollow(false).GotoTop()
	return m
}

package ui

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/resource"
)

// DefaultStatsInterval is how often resource use is sampled unless the
// configuration says otherwise.
const DefaultStatsInterval = 2 * time.Second

// sampler is the state of resource sampling. The dashboard asks each
// backend once per tick for the rows on screen and the selection only,
// so its cost does not grow with the rows scrolled out of sight; it
// stops while nothing shows figures, or the terminal is hidden.
type sampler struct {
	every time.Duration
	// readers are the backends with resource figures, in source order.
	readers []statsReader
	// cols: the table's resource columns are wanted (the u key).
	cols bool
	// blurred: the terminal reported that it lost the focus.
	blurred bool
	// on: a tick chain is running; gen identifies it, so a stopped
	// chain's ticks and answers die.
	on  bool
	gen int
	// seq numbers every request; inflight (by source) is the request
	// awaited, so a slow backend gets no second one; applied is the last
	// answer used, so an older one arriving late is dropped. Shared by
	// copies, like the snapshots: only Update writes.
	seq      int
	inflight map[string]int
	applied  map[string]int
	// warned: the sources already said to expose no figures.
	warned map[string]bool
}

type statsReader struct {
	name string
	r    backend.StatsReader
}

// statsTickMsg asks for the next samples of chain gen.
type statsTickMsg struct{ gen int }

// statsResultMsg is one backend's answer to request seq of chain gen.
type statsResultMsg struct {
	gen, seq int
	source   string
	asked    []string
	at       time.Time
	samples  map[string]backend.ResourceSample
	err      error
}

func newSampler(cfg Config) sampler {
	s := sampler{every: cfg.statsEvery(), cols: !cfg.ResourceColumnsOff,
		inflight: map[string]int{}, applied: map[string]int{}, warned: map[string]bool{}}
	for _, b := range cfg.Hub.Backends() {
		if r, ok := b.(backend.StatsReader); ok && backend.Supports(b, backend.CapStats) {
			s.readers = append(s.readers, statsReader{name: b.Name(), r: r})
		}
	}
	return s
}

// enabled reports whether any sampling can happen at all.
func (s sampler) enabled() bool { return s.every > 0 && len(s.readers) > 0 }

// showsRows: the table shows resource columns, so the rows on screen are
// sampled.
func (m Model) showsRows() bool {
	tableH, _ := m.bodyHeights()
	return tableH > 0 && !m.showHelp && m.table.ResourceColumns()
}

// showsPane: the resources tab is on screen, so the selection is sampled.
func (m Model) showsPane() bool {
	_, paneH := m.bodyHeights()
	v, ok := m.active().(resource.Viewer)
	return paneH > 0 && !m.showHelp && ok && v.ShowsResources()
}

// wantsSamples reports whether anything on screen needs figures now,
// from a backend that still may give them.
func (m Model) wantsSamples() bool {
	if !m.stats.enabled() || m.stats.blurred || !(m.showsRows() || m.showsPane()) {
		return false
	}
	for _, sr := range m.stats.readers {
		if !m.res.Unsupported(sr.name) {
			return true
		}
	}
	return false
}

// syncSampling starts the tick chain when figures became wanted (sampling
// at once) and stops it when they no longer are.
func (m Model) syncSampling() (Model, tea.Cmd) {
	want := m.wantsSamples()
	if want == m.stats.on {
		return m, nil
	}
	m.stats.on = want
	m.stats.gen++
	if !want {
		return m, nil
	}
	gen := m.stats.gen
	return m, func() tea.Msg { return statsTickMsg{gen: gen} }
}

// sample sends one request per backend for the sandboxes on screen and
// the selection, and schedules the next tick.
func (m Model) sample(gen int) (Model, tea.Cmd) {
	if gen != m.stats.gen || !m.stats.on {
		return m, nil
	}
	m, reqs := m.requests(gen)
	tick := tea.Tick(m.stats.every, func(time.Time) tea.Msg { return statsTickMsg{gen: gen} })
	return m, tea.Batch(append(reqs, tick)...)
}

// requests are this tick's requests: one per backend with something to
// ask, none to a backend whose last request is still out.
func (m Model) requests(gen int) (Model, []tea.Cmd) {
	var cmds []tea.Cmd
	byID := m.wantedIDs()
	timeout := min(max(m.stats.every, time.Second), 10*time.Second)
	for _, sr := range m.stats.readers {
		ids := byID[sr.name]
		if len(ids) == 0 || m.stats.inflight[sr.name] != 0 || m.res.Unsupported(sr.name) {
			continue
		}
		m.stats.seq++
		seq, r, name, ctx, now := m.stats.seq, sr.r, sr.name, m.ctx, m.now
		m.stats.inflight[name] = seq
		cmds = append(cmds, func() tea.Msg {
			c, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			got, err := r.Stats(c, ids)
			return statsResultMsg{gen: gen, seq: seq, source: name, asked: ids, at: now(), samples: got, err: err}
		})
	}
	return m, cmds
}

// wantedIDs are the running sandboxes on screen (when the columns show)
// and the selection (always: the resources tab's history follows it),
// by source.
func (m Model) wantedIDs() map[string][]string {
	out := map[string][]string{}
	add := func(sb backend.Sandbox) {
		if resource.Live(sb) && !slices.Contains(out[sb.Source], sb.ID) {
			out[sb.Source] = append(out[sb.Source], sb.ID)
		}
	}
	if m.showsRows() {
		for _, sb := range m.table.Visible() {
			add(sb)
		}
	}
	if sel, ok := m.table.Selected(); ok {
		add(sel)
	}
	return out
}

// applyStats takes one backend's answer, unless a newer one was used or
// its chain was stopped.
func (m Model) applyStats(msg statsResultMsg) (Model, tea.Cmd) {
	if m.stats.inflight[msg.source] == msg.seq {
		delete(m.stats.inflight, msg.source)
	}
	if msg.gen != m.stats.gen || msg.seq <= m.stats.applied[msg.source] {
		return m, nil
	}
	m.stats.applied[msg.source] = msg.seq
	var sm resource.SampledMsg
	switch {
	case errors.Is(msg.err, backend.ErrUnsupported):
		sm = resource.SampledMsg{Source: msg.source, At: msg.at, Unsupported: true}
		if !m.stats.warned[msg.source] {
			// Said once, for the backend; its rows say n/a.
			m.stats.warned[msg.source] = true
			m = m.info(backend.CleanText(msg.source + ": no resource figures (n/a)"))
		}
	case msg.err != nil && len(msg.samples) == 0:
		// A failed sample keeps the last figures; the connection state
		// in the status bar says when a backend does not answer.
		return m, nil
	case msg.err != nil:
		// A partial answer (one sandbox's figures failed: a garbled
		// cgroup file, one stats call that failed): the figures that
		// came are used, the others keep their last ones.
		sm = resource.SampledMsg{Source: msg.source, At: msg.at, Samples: msg.samples, Asked: slices.Collect(maps.Keys(msg.samples))}
	default:
		sm = resource.SampledMsg{Source: msg.source, At: msg.at, Samples: msg.samples, Asked: msg.asked}
	}
	m.res.Apply(sm)
	m.table = m.table.SetResources(m.res, m.stats.cols)
	// Only the panes that show resource use get the samples: copying every
	// pane for a message the others ignore costs more than the sample.
	m.panes = slices.Clone(m.panes)
	var cmds []tea.Cmd
	for i, p := range m.panes {
		if _, ok := p.(resource.Viewer); ok {
			var cmd tea.Cmd
			m.panes[i], cmd = p.Update(sm)
			cmds = append(cmds, cmd)
		}
	}
	return m, tea.Batch(cmds...)
}

// toggleColumns turns the table's resource columns on or off.
func (m Model) toggleColumns() Model {
	if !m.stats.enabled() {
		if m.stats.every < 0 {
			return m.warn("resource sampling is off (stats_interval = off)")
		}
		return m.warn("no backend here exposes resource use")
	}
	m.stats.cols = !m.stats.cols
	m.table = m.table.SetResources(m.res, m.stats.cols)
	if !m.stats.cols {
		return m.info("resource columns off")
	}
	if !m.table.ResourceColumns() {
		return m.info("resource columns on, but the terminal is too narrow to show them")
	}
	return m.info("resource columns on")
}

// MinStatsInterval is the shortest sampling interval: faster would cost
// the engine more than it tells anyone.
const MinStatsInterval = 500 * time.Millisecond

// statsEvery is the sampling interval in effect (≤ 0: off).
func (c Config) statsEvery() time.Duration {
	switch {
	case c.StatsInterval == 0:
		return DefaultStatsInterval
	case c.StatsInterval > 0 && c.StatsInterval < MinStatsInterval:
		return MinStatsInterval
	}
	return c.StatsInterval
}

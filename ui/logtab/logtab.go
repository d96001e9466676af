// Package logtab is the logs tab: the container logs of the selected
// sandbox, streamed once the cursor rests on it.
package logtab

import (
	"time"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/theme"
	"github.com/ohdash/ohdash/ui/logs"
	"github.com/ohdash/ohdash/ui/pane"
)

// Config sizes the logs pane; zero values take the pane's defaults.
type Config struct {
	Tail     int
	MaxLines int
	MaxBytes int
}

// Model is the logs tab.
type Model struct {
	c    pane.Context
	logs logs.Model
	// key is the Key of the sandbox streamed ("" for none).
	key string
	// inst and started are the incarnation streamed: a sandbox recreated
	// under the same name (a new container id) or started again (a
	// follow stream ends when its container stops) keeps its Key, and the
	// pane must reopen rather than stay "ended".
	inst    string
	started time.Time
}

var _ pane.Pane = Model{}

// New builds the tab; the stream opens when a selection settles.
func New(c pane.Context, cfg Config) Model {
	lo := []logs.Option{logs.WithKeyMap(c.Keys.Logs)}
	if cfg.Tail != 0 {
		lo = append(lo, logs.WithTail(cfg.Tail))
	}
	if cfg.MaxLines > 0 {
		lo = append(lo, logs.WithMaxLines(cfg.MaxLines))
	}
	if cfg.MaxBytes > 0 {
		lo = append(lo, logs.WithMaxBytes(cfg.MaxBytes))
	}
	return Model{c: c, logs: logs.New(c.Theme, lo...)}
}

// Title names the tab.
func (m Model) Title() string { return "Logs" }

// Tab is the key that shows the tab.
func (m Model) Tab() key.Binding { return m.c.Keys.Root.TabLogs }

// Select points the stream at the selected sandbox once the cursor rests,
// and reopens it when a snapshot shows the sandbox streamed is another
// incarnation (the cursor has not moved, so there is no settling to wait
// for). A backend without container logs (a remote runtime) gets a nil
// streamer, which the pane reports as unsupported.
func (m Model) Select(w pane.World) (pane.Pane, tea.Cmd) {
	sel := w.Selected
	if !w.Settled && !(w.OK && sel.Key() == m.key && m.reborn(sel)) {
		return m, nil
	}
	if !w.OK {
		m.logs, m.key = m.logs.Close(), ""
		return m, nil
	}
	if sel.Key() == m.key && !m.reborn(sel) {
		return m, nil
	}
	var src backend.LogStreamer
	if b, found := m.c.Hub.Backend(sel.Source); found && backend.Supports(b, backend.CapLogs) {
		src, _ = b.(backend.LogStreamer)
	}
	m.key, m.inst, m.started = sel.Key(), sel.Instance, sel.StartedAt
	var cmd tea.Cmd
	m.logs, cmd = m.logs.Open(m.c.Ctx, src, sel.ID, sel.ID)
	return m, cmd
}

// reborn reports that sb is not the incarnation streamed: another
// container under the same name, or the same one started again. What a
// backend cannot tell (an empty id, an unknown start) is no change, so a
// snapshot without the details never reopens a stream.
func (m Model) reborn(sb backend.Sandbox) bool {
	if sb.Instance != "" && m.inst != "" && sb.Instance != m.inst {
		return true
	}
	return !sb.StartedAt.IsZero() && !m.started.IsZero() && !sb.StartedAt.Equal(m.started)
}

// Update hands batches, search steps and (with the keyboard) keys to the
// logs pane.
func (m Model) Update(msg tea.Msg) (pane.Pane, tea.Cmd) {
	var cmd tea.Cmd
	m.logs, cmd = m.logs.Update(msg)
	return m, cmd
}

// View renders the logs.
func (m Model) View() string { return m.logs.View() }

// SetSize sizes the logs.
func (m Model) SetSize(w, h int) pane.Pane { m.logs = m.logs.SetSize(w, h); return m }

// Focus gives the logs the keyboard.
func (m Model) Focus() pane.Pane { m.logs = m.logs.Focus(); return m }

// Blur takes it away.
func (m Model) Blur() pane.Pane { m.logs = m.logs.Blur(); return m }

// SetTheme restyles the logs.
func (m Model) SetTheme(th theme.Theme) pane.Pane { m.logs = m.logs.SetTheme(th); return m }

// Show does nothing: the stream follows the selection whether shown or not.
func (m Model) Show() (pane.Pane, tea.Cmd) { return m, nil }

// Hide does nothing, for the same reason.
func (m Model) Hide() pane.Pane { return m }

// Capturing reports a search being typed.
func (m Model) Capturing() bool { return m.logs.Capturing() }

// WantsEsc reports an active search, which esc clears.
func (m Model) WantsEsc() bool { return m.logs.SearchActive() }

// Open has nothing to open.
func (m Model) Open() (pane.Pane, bool) { return m, false }

// Back has nowhere to go back to.
func (m Model) Back() (pane.Pane, bool) { return m, false }

// Act has no actions of its own.
func (m Model) Act(tea.KeyPressMsg) (pane.Pane, tea.Cmd, bool) { return m, nil, false }

// ShortHelp is the logs' keys.
func (m Model) ShortHelp() ([]key.Binding, bool) { return m.logs.ShortHelp(), false }

// FullHelp is the logs' keys.
func (m Model) FullHelp() [][]key.Binding { return m.logs.FullHelp() }

// Ticking: the logs show no countdown.
func (m Model) Ticking() bool { return false }

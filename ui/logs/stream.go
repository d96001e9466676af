package logs

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
	"github.com/ohdash/ohdash/ui/stream"
)

// Open starts streaming a sandbox's logs into the pane: it cancels the
// previous stream, clears the view and returns the Cmd that calls the
// backend. ctx bounds the stream's lifetime (normally the program's
// context); the pane holds the cancel func of a child of it. A nil src (a
// backend without the LogStreamer capability) shows ErrUnsupported.
func (m Model) Open(ctx context.Context, src backend.LogStreamer, sandboxID, title string) (Model, tea.Cmd) {
	m = m.Close()
	if src == nil {
		m.sandboxID, m.title = sandboxID, title
		m.view = m.view.Reset()
		m.phase, m.dropped = phaseFailed, 0
		m.openErr = fmt.Errorf("logs of %s: %w", sandboxID, backend.ErrUnsupported)
		m.syncKeys()
		return m, nil
	}
	var sctx context.Context
	m.stream, sctx = m.stream.Start(ctx)
	m.sandboxID, m.title = sandboxID, title
	m.view = m.view.Reset()
	m.phase, m.state, m.stateErr, m.openErr, m.dropped = phaseOpening, logbuf.Streaming, nil, nil, 0
	m.syncKeys()
	opts := backend.LogOptions{Follow: true, Tail: m.tail}
	return m, stream.Open(m.stream.Gen(), func() (<-chan logbuf.Batch, error) { return src.Logs(sctx, sandboxID, opts) })
}

// Close cancels the current stream. The lines shown stay; anything still in
// flight from the stream is ignored when it arrives.
func (m Model) Close() Model {
	m.stream = m.stream.Stop()
	if m.phase == phaseOpening || m.phase == phaseOpen {
		m.phase = phaseClosed
	}
	return m
}

func (m Model) handleOpened(msg stream.Opened[logbuf.Batch]) (Model, tea.Cmd) {
	if !m.stream.Current(msg.Gen) {
		return m, stream.Drain(msg.Ch)
	}
	if msg.Err != nil {
		m.phase, m.openErr = phaseFailed, msg.Err
		m.stream = m.stream.Release()
		return m, nil
	}
	m.phase = phaseOpen
	return m, stream.Wait(msg.Gen, msg.Ch)
}

func (m Model) handleBatch(msg stream.Item[logbuf.Batch]) (Model, tea.Cmd) {
	if !m.stream.Current(msg.Gen) {
		return m, stream.Drain(msg.Ch)
	}
	b := msg.Value
	m.view = m.view.Append(b.Lines...)
	m.dropped = b.Dropped
	m.state, m.stateErr = b.State, b.Err
	return m, stream.Wait(msg.Gen, msg.Ch)
}

func (m Model) handleClosed(msg stream.Closed[logbuf.Batch]) (Model, tea.Cmd) {
	if !m.stream.Current(msg.Gen) {
		return m, nil
	}
	m.phase = phaseClosed
	m.state = logbuf.Ended
	m.stream = m.stream.Release()
	return m, nil
}

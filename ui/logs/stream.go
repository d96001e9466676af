package logs

import (
	"context"
	"fmt"

	tea "charm.land/bubbletea/v2"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/logbuf"
)

// openedMsg reports the result of LogStreamer.Logs for stream gen.
type openedMsg struct {
	gen uint64
	ch  <-chan logbuf.Batch
	err error
}

// batchMsg carries one batch of stream gen, and the channel to wait on for
// the next one.
type batchMsg struct {
	gen   uint64
	ch    <-chan logbuf.Batch
	batch logbuf.Batch
}

// closedMsg reports that stream gen's channel was closed by its producer.
type closedMsg struct{ gen uint64 }

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
	sctx, cancel := context.WithCancel(ctx)
	m.cancel = cancel
	m.sandboxID, m.title = sandboxID, title
	m.view = m.view.Reset()
	m.phase, m.state, m.stateErr, m.openErr, m.dropped = phaseOpening, logbuf.Streaming, nil, nil, 0
	m.syncKeys()
	gen, opts := m.gen, backend.LogOptions{Follow: true, Tail: m.tail}
	return m, func() tea.Msg {
		ch, err := src.Logs(sctx, sandboxID, opts)
		return openedMsg{gen: gen, ch: ch, err: err}
	}
}

// Close cancels the current stream. The lines shown stay; anything still in
// flight from the stream is ignored when it arrives.
func (m Model) Close() Model {
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	m.gen++
	if m.phase == phaseOpening || m.phase == phaseOpen {
		m.phase = phaseClosed
	}
	return m
}

// waitForBatch waits for one batch of stream gen: the channel+Cmd pattern,
// re-armed after every batch, so the stream never calls Program.Send and
// stays owned (and cancellable) by the model.
func waitForBatch(gen uint64, ch <-chan logbuf.Batch) tea.Cmd {
	return func() tea.Msg {
		b, ok := <-ch
		if !ok {
			return closedMsg{gen: gen}
		}
		return batchMsg{gen: gen, ch: ch, batch: b}
	}
}

// drain empties a superseded stream's channel until its producer, whose
// context is already cancelled, closes it, so that a producer blocked on a
// send can always finish.
func drain(ch <-chan logbuf.Batch) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		for range ch { //nolint:revive // draining is the point
		}
		return nil
	}
}

func (m Model) handleOpened(msg openedMsg) (Model, tea.Cmd) {
	if msg.gen != m.gen {
		return m, drain(msg.ch)
	}
	if msg.err != nil {
		m.phase, m.openErr = phaseFailed, msg.err
		if m.cancel != nil {
			m.cancel()
			m.cancel = nil
		}
		return m, nil
	}
	m.phase = phaseOpen
	return m, waitForBatch(msg.gen, msg.ch)
}

func (m Model) handleBatch(msg batchMsg) (Model, tea.Cmd) {
	if msg.gen != m.gen {
		return m, drain(msg.ch)
	}
	m.view = m.view.Append(msg.batch.Lines...)
	m.dropped = msg.batch.Dropped
	m.state, m.stateErr = msg.batch.State, msg.batch.Err
	return m, waitForBatch(msg.gen, msg.ch)
}

func (m Model) handleClosed(msg closedMsg) (Model, tea.Cmd) {
	if msg.gen != m.gen {
		return m, nil
	}
	m.phase = phaseClosed
	m.state = logbuf.Ended
	if m.cancel != nil {
		m.cancel()
		m.cancel = nil
	}
	return m, nil
}

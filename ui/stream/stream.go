// Package stream is the plumbing a pane needs to own a channel-fed stream
// (container logs, agent events) inside a value model: a generation that
// marks which stream is current, the cancel of its context, the Cmd that
// waits for one item and is re-armed after each (the channel+Cmd pattern:
// never Program.Send), and the drain that lets a superseded producer
// finish. Messages are generic in the item type, so two kinds of streams
// in one program never take each other's messages.
package stream

import (
	"context"

	tea "charm.land/bubbletea/v2"
)

// Stream is the current stream of a model. The zero value has none.
type Stream struct {
	gen    uint64
	cancel context.CancelFunc
}

// Start supersedes the current stream and returns the context of a new
// one, a child of ctx whose cancel the Stream holds.
func (s Stream) Start(ctx context.Context) (Stream, context.Context) {
	s = s.Stop()
	sctx, cancel := context.WithCancel(ctx)
	s.cancel = cancel
	return s, sctx
}

// Stop cancels the current stream; anything still in flight from it is
// superseded and ignored when it arrives.
func (s Stream) Stop() Stream {
	s = s.Release()
	s.gen++
	return s
}

// Release cancels the current stream's context once it has failed or
// ended, without superseding what it delivered.
func (s Stream) Release() Stream {
	if s.cancel != nil {
		s.cancel()
		s.cancel = nil
	}
	return s
}

// Gen identifies the current stream, for the messages its Cmds return.
func (s Stream) Gen() uint64 { return s.gen }

// Current reports whether gen is the current stream.
func (s Stream) Current(gen uint64) bool { return gen == s.gen }

// Opened hands a stream's channel (or the error that stopped it from
// opening) to its model.
type Opened[T any] struct {
	Gen uint64
	Ch  <-chan T
	Err error
}

// Item carries one item of stream Gen, and the channel to wait on next.
type Item[T any] struct {
	Gen   uint64
	Ch    <-chan T
	Value T
}

// Closed reports that stream Gen's producer closed its channel.
type Closed[T any] struct{ Gen uint64 }

// Open runs open in a Cmd and hands its channel to the model.
func Open[T any](gen uint64, open func() (<-chan T, error)) tea.Cmd {
	return func() tea.Msg {
		ch, err := open()
		return Opened[T]{Gen: gen, Ch: ch, Err: err}
	}
}

// Wait waits for one item of stream gen; the model re-arms it after each.
func Wait[T any](gen uint64, ch <-chan T) tea.Cmd {
	return func() tea.Msg {
		v, ok := <-ch
		if !ok {
			return Closed[T]{Gen: gen}
		}
		return Item[T]{Gen: gen, Ch: ch, Value: v}
	}
}

// Drain empties a superseded stream's channel until its producer, whose
// context is already cancelled, closes it, so that a producer blocked on a
// send can always finish.
func Drain[T any](ch <-chan T) tea.Cmd {
	if ch == nil {
		return nil
	}
	return func() tea.Msg {
		for range ch { //nolint:revive // draining is the point
		}
		return nil
	}
}

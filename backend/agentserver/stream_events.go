package agentserver

import (
	"context"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
)

// maxTyping bounds the streamed text kept for the typing line.
const maxTyping = 8 << 10

// snapshot applies the first frame of a connection when it is the state
// snapshot the server pushes on subscribe (never stored, so never an
// event); it reports whether the frame was consumed.
func (s *stream) snapshot(f frame) bool {
	if f.bad || f.d.ev.Kind != kindState {
		return false
	}
	s.applyState(f.d)
	return true
}

// handle processes one live frame.
func (s *stream) handle(ctx context.Context, f frame) error {
	if f.bad {
		s.skip()
		return nil
	}
	d := f.d
	switch {
	case d.ev.Kind == kindStreamingDelta:
		s.setTyping(s.typing + d.delta)
		return nil
	case d.ev.Transient:
		return s.box.Push(ctx, []backend.Event{d.ev}, 0)
	case d.key == "full_state":
		s.applyState(d)
		return nil
	}
	if s.resync {
		// An unreadable frame came before this one: load from the last
		// event held first, or this event would move past the lost one.
		s.resync = false
		if err := s.catchUp(ctx); err != nil {
			return err
		}
	}
	if !s.win.accept(d.ev.ID, d.ev.Timestamp) {
		return nil
	}
	s.applyState(d)
	return s.box.Push(ctx, []backend.Event{d.ev}, 0)
}

// skip counts an unreadable frame and schedules a history reload: the
// frame may have been an event, and REST will bring it, before the next
// event is taken or after ResyncDelay, whichever comes first.
func (s *stream) skip() {
	s.skipped++
	s.resync = true
	n := s.skipped
	s.box.Update(func(u *backend.EventUpdate) { u.Skipped = n })
}

// catchUp loads, through REST and in log order, every stored event this
// stream has not delivered: the whole history or the tail the first time,
// everything from the last timestamp held afterwards.
func (s *stream) catchUp(ctx context.Context) error {
	if !s.loaded && s.opts.Tail > 0 {
		return s.loadTail(ctx)
	}
	// Take nothing into the window before a whole page has arrived: a
	// page cut short would otherwise mark events as delivered.
	q := EventQuery{Since: s.win.last, Raw: s.opts.Raw}
	err := s.c.forward(ctx, s.id, q, func(page []decoded, skipped int) error {
		s.loaded = true
		if skipped > 0 {
			s.skipped += skipped
			n := s.skipped
			s.box.Update(func(u *backend.EventUpdate) { u.Skipped = n })
		}
		var batch []backend.Event
		for _, d := range page {
			if s.win.accept(d.ev.ID, d.ev.Timestamp) {
				s.applyState(d)
				batch = append(batch, d.ev)
			}
		}
		if len(batch) == 0 {
			return nil
		}
		back := 0
		if s.everLive {
			back = len(batch)
		}
		return s.box.Push(ctx, batch, back)
	})
	if err != nil {
		return historyError(err)
	}
	s.loaded = true
	return nil
}

// loadTail delivers the newest opts.Tail events and declares everything
// older the pager's business.
func (s *stream) loadTail(ctx context.Context) error {
	p, err := s.c.newest(ctx, s.id, backend.Event{}, s.opts.Tail, s.opts.Raw)
	if err != nil {
		return historyError(err)
	}
	s.loaded = true
	var batch []backend.Event
	for _, d := range p.events {
		if s.win.accept(d.ev.ID, d.ev.Timestamp) {
			s.applyState(d)
			batch = append(batch, d.ev)
		}
	}
	if len(batch) > 0 {
		if err := s.box.Push(ctx, batch, 0); err != nil {
			return err
		}
	}
	if len(p.events) > 0 {
		s.win.startAt(p.events[0].ev.Timestamp)
	}
	return nil
}

// historyError makes a refused key or a vanished conversation final.
func historyError(err error) error {
	if errors.Is(err, backend.ErrUnauthorized) || errors.Is(err, backend.ErrNotFound) {
		return finalError{err}
	}
	return err
}

// applyState takes the status and usage an event carries, and clears the
// typing line when the agent's final words arrive.
func (s *stream) applyState(d decoded) {
	if d.status != "" || d.stats != nil {
		s.box.Update(func(u *backend.EventUpdate) {
			if d.status != "" {
				u.Status = d.status
			}
			if d.stats != nil {
				u.Cost, u.Tokens, u.HaveStats = d.stats.cost, d.stats.tokens, true
			}
		})
	}
	ends := d.ev.Source == "agent" && !d.ev.Quiet && !d.ev.Transient
	if (ends || (d.status != "" && d.status != backend.ExecRunning)) && s.typing != "" {
		s.setTyping("")
	}
}

// setTyping replaces the streamed text and shows its last line.
func (s *stream) setTyping(text string) {
	if text == "" && s.typing == "" {
		return
	}
	if len(text) > maxTyping {
		text = text[len(text)-maxTyping/2:]
	}
	s.typing = text
	line := typingLine(text)
	s.box.Update(func(u *backend.EventUpdate) { u.Typing = line })
}

// typingLine is the end of the last non-blank line, sanitised: the part
// of a reply that is being written.
func typingLine(text string) string {
	text = strings.TrimRight(text, " \t\r\n")
	if i := strings.LastIndexByte(text, '\n'); i >= 0 {
		text = text[i+1:]
	}
	if len(text) > 4*maxSummary {
		text = text[len(text)-4*maxSummary:]
	}
	clean := strings.TrimSpace(sanitizeText(text))
	if len(clean) > maxSummary {
		cut := len(clean) - maxSummary
		for cut < len(clean) && !utf8.RuneStart(clean[cut]) {
			cut++
		}
		clean = "…" + clean[cut:]
	}
	return strings.Clone(clean)
}

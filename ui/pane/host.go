package pane

import (
	"fmt"
	"slices"
	"time"
)

// Host is the root's side of the shared context. A pane calls it from
// Update (never from a Cmd: the root owns it and reads it between
// messages); the root carries the requests out as soon as the pane's
// Update returns, so a dialog a key asks for is open before the next key.
type Host struct {
	asks []Ask
	ops  map[int]Op
	seq  int
}

// NewHost returns an empty host.
func NewHost() *Host { return &Host{ops: map[int]Op{}} }

// AskKind says what a request asks for.
type AskKind int

// The requests a pane can make.
const (
	// AskInfo, AskWarn and AskFail show a notice on the message line.
	AskInfo AskKind = iota
	AskWarn
	AskFail
	// AskConfirm opens a confirmation dialog; its confirm.ResultMsg comes
	// back to the panes carrying Payload.
	AskConfirm
	// AskCompose opens the message composer; its SubmitMsg or CancelMsg
	// comes back to the panes carrying Payload.
	AskCompose
	// AskRefuse refuses an action in read-only mode: the root says why
	// (naming where the mode came from) and audits the refusal.
	AskRefuse
)

// Refusal is an action the dashboard refused in read-only mode.
type Refusal struct {
	// Kind is "sandbox" or "conversation"; Action the dashboard's name for
	// it ("pause", "accept", "message").
	Kind, Action string
	// Source is the backend; Target the sandbox or conversation id;
	// Sandbox a conversation's sandbox.
	Source, Target, Sandbox string
}

// Ask is one request of a pane to the root.
type Ask struct {
	Kind AskKind
	// Text is a notice's text, or the title of a dialog or composer.
	Text string
	// Err is the error of AskFail.
	Err error
	// Body and Yes are a confirmation's text and its yes label.
	Body, Yes string
	// Draft is the composer's starting text.
	Draft string
	// Payload comes back with the dialog's result.
	Payload any
	// Refusal is what AskRefuse refused.
	Refusal Refusal
}

// Info shows a notice that fades quickly.
func (h *Host) Info(text string) { h.asks = append(h.asks, Ask{Kind: AskInfo, Text: text}) }

// Warn shows a refusal or a warning.
func (h *Host) Warn(text string) { h.asks = append(h.asks, Ask{Kind: AskWarn, Text: text}) }

// Fail shows an error, with the root's hints for errors a person can act on.
func (h *Host) Fail(err error) { h.asks = append(h.asks, Ask{Kind: AskFail, Err: err}) }

// Refuse refuses an action because the dashboard is read-only.
func (h *Host) Refuse(r Refusal) { h.asks = append(h.asks, Ask{Kind: AskRefuse, Refusal: r}) }

// Confirm opens a confirmation dialog.
func (h *Host) Confirm(title, body, yes string, payload any) {
	h.asks = append(h.asks, Ask{Kind: AskConfirm, Text: title, Body: body, Yes: yes, Payload: payload})
}

// Compose opens the message composer.
func (h *Host) Compose(title, draft string, payload any) {
	h.asks = append(h.asks, Ask{Kind: AskCompose, Text: title, Draft: draft, Payload: payload})
}

// Take returns the requests made since the last Take, in order.
func (h *Host) Take() []Ask {
	a := h.asks
	h.asks = nil
	return a
}

// Op is an action under way; the message line shows it with its elapsed
// time until it finishes.
type Op struct {
	ID      int
	Desc    string // "pausing oh-agent-server-x"
	Done    string // "paused oh-agent-server-x"
	Started time.Time
}

// OpDoneMsg reports the end of an action started with StartOp.
type OpDoneMsg struct {
	ID  int
	Err error
	// Created is the id of a sandbox a start created.
	Created string
}

// StartOp records an action under way and returns its id, for the
// OpDoneMsg its Cmd returns.
func (h *Host) StartOp(desc, done string, at time.Time) int {
	h.seq++
	h.ops[h.seq] = Op{ID: h.seq, Desc: desc, Done: done, Started: at}
	return h.seq
}

// UpdateOp rewords an action still under way (a start task that moved
// on); an unknown id (finished already) changes nothing.
func (h *Host) UpdateOp(id int, desc string) {
	if op, ok := h.ops[id]; ok {
		op.Desc = desc
		h.ops[id] = op
	}
}

// FinishOp ends an action and shows its outcome; an unknown id (finished
// already) shows nothing.
func (h *Host) FinishOp(d OpDoneMsg) {
	op, ok := h.ops[d.ID]
	delete(h.ops, d.ID)
	if !ok {
		return
	}
	if d.Err != nil {
		h.Fail(fmt.Errorf("%s failed: %w", op.Desc, d.Err))
		return
	}
	done := op.Done
	if d.Created != "" {
		done += ": " + d.Created
	}
	h.Info(done)
}

// Ops returns the actions under way, oldest first.
func (h *Host) Ops() []Op {
	out := make([]Op, 0, len(h.ops))
	for _, op := range h.ops {
		out = append(out, op)
	}
	slices.SortFunc(out, func(a, b Op) int { return a.ID - b.ID })
	return out
}

// Busy reports whether an action is under way.
func (h *Host) Busy() bool { return len(h.ops) > 0 }

// EndOp ends an action without a notice of its own: a bulk action says
// its summary itself.
func (h *Host) EndOp(id int) { delete(h.ops, id) }

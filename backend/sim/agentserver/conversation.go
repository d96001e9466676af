package agentserver

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Execution statuses (SDKP/conversation/state.py ConversationExecutionStatus).
const (
	StatusIdle                   = "idle"
	StatusRunning                = "running"
	StatusPaused                 = "paused"
	StatusWaitingForConfirmation = "waiting_for_confirmation"
	StatusFinished               = "finished"
	StatusError                  = "error"
	StatusStuck                  = "stuck"
	StatusDeleting               = "deleting"
)

func validStatus(s string) bool {
	switch s {
	case StatusIdle, StatusRunning, StatusPaused, StatusWaitingForConfirmation,
		StatusFinished, StatusError, StatusStuck, StatusDeleting:
		return true
	}
	return false
}

// conversation is one conversation and its event log. Everything in it is
// guarded by mu; methods ending in Locked expect mu held.
type conversation struct {
	srv *Server
	id  string // dashed UUID

	mu             sync.Mutex
	title          *string
	tags           map[string]string
	createdAt      time.Time
	updatedAt      time.Time
	agent          wire.Obj
	model          string
	workingDir     string
	maxIterations  int
	stuckDetection bool
	policy         string
	autotitle      bool
	inactive       bool // the event service is not running (evicted)
	status         string
	deleted        bool

	log           eventLog
	hub           hub
	stats         *stats
	lastUserMsgID string
	leaf          string // HEAD of the conversation tree (parent of the next event)

	run          *runState // the scripted agent's run, nil when none
	turn         *turn     // the turn in progress; survives a pause
	turns        int       // turns started, drives the scripted content
	pendingTurns int       // user messages that arrived during a run
}

// emitLocked stores and publishes e as the next event of the log.
func (c *conversation) emitLocked(e *Event) *Event {
	c.stampLocked(e)
	if c.srv.version.AtLeast(tagParentID) {
		e.ParentID = c.leaf
		if e.Kind != "ConversationStateUpdateEvent" {
			// State updates are tree artifacts, not nodes: HEAD stays put.
			c.leaf = e.ID
		}
	}
	e.seal()
	c.log.append(e)
	c.updatedAt = c.srv.clock.Next()
	c.hub.publish(e.compact)
	c.srv.notify()
	return e
}

// publishLocked sends e to subscribers only (streaming deltas, end-of-run
// snapshots): such events are never persisted.
func (c *conversation) publishLocked(e *Event) {
	c.stampLocked(e)
	e.seal()
	c.hub.publish(e.compact)
}

func (c *conversation) stampLocked(e *Event) {
	if e.ID == "" {
		e.ID = wire.NewUUID()
	}
	if e.Timestamp == "" {
		e.Timestamp = c.srv.timestamp()
	}
}

// setStatusLocked changes the execution status, emitting the persisted
// ConversationStateUpdateEvent the SDK's state callback produces.
func (c *conversation) setStatusLocked(status string) {
	if c.status == status {
		return
	}
	c.status = status
	c.emitLocked(newStateUpdate("execution_status", status))
}

// addUserMessageLocked appends a user MessageEvent, resetting a terminal
// status first as LocalConversation.send_message does.
func (c *conversation) addUserMessageLocked(m message) *Event {
	if c.status == StatusFinished || c.status == StatusStuck {
		c.setStatusLocked(StatusIdle)
	}
	e := c.emitLocked(newMessageEvent(SourceUser, m.Role, m.Content, nil))
	c.lastUserMsgID = e.ID
	if c.title == nil && c.autotitle && c.srv.version.AtLeast(tagAutotitle) && m.Text != "" {
		// Autotitle is silent: no event, clients must poll to see it.
		// This is the SDK's fallback title (no title LLM here).
		t := fallbackTitle(m.Text)
		c.title = &t
	}
	return e
}

// snapshotLocked is the event a new subscriber receives first: the full
// state, or an idle status for an inactive conversation (nil when the
// server version sent nothing in that case).
func (c *conversation) snapshotLocked() *Event {
	if c.inactive {
		if !c.srv.version.AtLeast(tagIdleSnapshot) {
			return nil
		}
		return newStateUpdate("execution_status", StatusIdle)
	}
	return newStateUpdate("full_state", c.stateLocked())
}

// publishSnapshotLocked sends the transient full_state snapshot published
// at the end of every run and after pause or interrupt.
func (c *conversation) publishSnapshotLocked() {
	c.publishLocked(newStateUpdate("full_state", c.stateLocked()))
}

// fallbackTitle is generate_fallback_title: the stripped message, cut to
// 47 characters plus "..." when longer than 50.
func fallbackTitle(text string) string {
	t := strings.TrimSpace(text)
	if utf8.RuneCountInString(t) > 50 {
		t = truncateRunes(t, 47) + "..."
	}
	return t
}

func truncateRunes(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n])
}

// pendingActionLocked is the action of the turn in progress that has no
// observation yet, if any.
func (c *conversation) pendingActionLocked() *Event {
	if c.turn == nil || c.turn.action == nil || c.turn.resolved {
		return nil
	}
	return c.turn.action
}

package agentserver

import (
	"context"
	"errors"
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

// Errors of conversation actions; REST handlers map them to status codes.
var (
	errAlreadyRunning = fmt.Errorf("conversation_already_running: %w", backend.ErrConflict)
	errNotUserRole    = errors.New("only user messages are allowed to be sent to the agent")
	errDeleted        = fmt.Errorf("conversation deleted: %w", backend.ErrNotFound)
)

// runState is one run of the scripted agent (EventService._run_task).
type runState struct {
	cancel context.CancelFunc // interrupt
	done   chan struct{}
}

// startRunLocked starts the agent's run loop, as EventService.run: it
// refuses a running conversation, marks idle/paused/error/stuck ones
// running, and returns at once.
func (c *conversation) startRunLocked() error {
	if c.deleted {
		return errDeleted
	}
	if c.status == StatusRunning || c.run != nil {
		return errAlreadyRunning
	}
	switch c.status {
	case StatusIdle, StatusPaused, StatusError, StatusStuck:
		c.setStatusLocked(StatusRunning)
	}
	ctx, cancel := context.WithCancel(c.srv.ctx)
	r := &runState{cancel: cancel, done: make(chan struct{})}
	c.run = r
	c.srv.runs.Add(1)
	go c.runLoop(ctx, r)
	return nil
}

// runLoop mirrors LocalConversation.run: step until finished, paused,
// stuck or waiting for confirmation; an interrupt cancels ctx.
func (c *conversation) runLoop(ctx context.Context, r *runState) {
	defer c.srv.runs.Done()
	defer close(r.done)
	defer r.cancel()
	for {
		// Each step takes a pace, like an LLM call does.
		if !c.srv.pace.Sleep(ctx) {
			c.finishRun(ctx, r)
			return
		}
		c.mu.Lock()
		if ctx.Err() != nil || c.deleted {
			c.mu.Unlock()
			c.finishRun(ctx, r)
			return
		}
		switch c.status {
		case StatusPaused, StatusStuck, StatusFinished, StatusError:
			c.mu.Unlock()
			c.finishRun(ctx, r)
			return
		case StatusWaitingForConfirmation:
			if c.pendingActionLocked() == nil || c.turn.step != stepObserve {
				c.mu.Unlock()
				c.finishRun(ctx, r)
				return
			}
			// Running again means the pending action was accepted.
			c.setStatusLocked(StatusRunning)
		}
		if c.turn == nil {
			c.turn = c.newTurnLocked()
		}
		c.stepLocked()
		waiting := c.status == StatusWaitingForConfirmation
		c.mu.Unlock()
		if waiting {
			c.finishRun(ctx, r)
			return
		}
	}
}

// finishRun ends a run: after an interrupt the orphaned action gets an
// AgentErrorEvent, the status becomes paused and an InterruptEvent
// follows; every run ends with a transient full_state snapshot.
func (c *conversation) finishRun(ctx context.Context, r *runState) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.deleted {
		c.run = nil
		return
	}
	if ctx.Err() != nil && c.srv.ctx.Err() == nil {
		if a := c.pendingActionLocked(); a != nil {
			c.emitLocked(newAgentError(c.turn.call, "Tool call interrupted before completion. The conversation was paused."))
		}
		c.turn = nil
		c.setStatusLocked(StatusPaused)
		c.emitLocked(newInterruptEvent())
	}
	if c.run == r {
		c.run = nil
	}
	c.publishSnapshotLocked()
	c.srv.notify()
}

// sendMessage appends a user message and, when run is set, starts a run;
// a run already in progress picks the message up (rerun requested).
func (c *conversation) sendMessage(m message, run bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.deleted {
		return errDeleted
	}
	if m.Role != "user" {
		return errNotUserRole
	}
	c.addUserMessageLocked(m)
	if !run {
		return nil
	}
	if err := c.startRunLocked(); errors.Is(err, errAlreadyRunning) {
		c.pendingTurns++
	} else if err != nil {
		return err
	}
	return nil
}

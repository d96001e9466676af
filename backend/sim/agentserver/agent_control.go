package agentserver

import (
	"context"
	"errors"
	"time"
)

// interruptWait bounds how long /interrupt waits for the run to stop
// (EventService.interrupt waits 5 s).
const interruptWait = 5 * time.Second

// pause is LocalConversation.pause plus the snapshot EventService.pause
// publishes: only an idle or running conversation becomes paused (with a
// PauseEvent); anything else is left alone and still succeeds. A run in
// progress stops before its next step.
func (c *conversation) pause() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.deleted {
		return errDeleted
	}
	c.pauseLocked()
	c.publishSnapshotLocked()
	return nil
}

func (c *conversation) pauseLocked() {
	if c.status == StatusIdle || c.status == StatusRunning {
		c.setStatusLocked(StatusPaused)
		c.emitLocked(newPauseEvent())
	}
}

// interrupt cancels the run at once (mid-step) and waits for it to wind
// down; with no run in progress it falls back to pause.
func (c *conversation) interrupt(ctx context.Context) error {
	c.mu.Lock()
	if c.deleted {
		c.mu.Unlock()
		return errDeleted
	}
	r := c.run
	if r == nil {
		c.pauseLocked()
		c.publishSnapshotLocked()
		c.mu.Unlock()
		return nil
	}
	r.cancel()
	c.mu.Unlock()
	t := time.NewTimer(interruptWait)
	defer t.Stop()
	select {
	case <-r.done:
	case <-t.C:
	case <-ctx.Done():
		return ctx.Err()
	}
	c.mu.Lock()
	c.publishSnapshotLocked()
	c.mu.Unlock()
	return nil
}

// respond answers a pending confirmation: accept runs the conversation
// (which executes the pending action; "already running" is fine), reject
// clears the waiting status and answers the action with a
// UserRejectObservation.
func (c *conversation) respond(accept bool, reason string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.deleted {
		return errDeleted
	}
	if accept {
		if err := c.startRunLocked(); err != nil && !errors.Is(err, errAlreadyRunning) {
			return err
		}
		return nil
	}
	if c.status == StatusWaitingForConfirmation {
		c.setStatusLocked(StatusIdle)
	}
	if a := c.pendingActionLocked(); a != nil {
		c.emitLocked(newUserReject(a, c.turn.call, reason, c.srv.version.AtLeast(tagRejectionSource)))
		c.turn = nil
	}
	return nil
}

// setPolicy changes the confirmation policy, emitting the state update.
func (c *conversation) setPolicy(policy string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.policy == policy {
		return
	}
	c.policy = policy
	c.emitLocked(newStateUpdate("confirmation_policy", policyObj(policy)))
}

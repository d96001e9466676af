package agentserver

import (
	"fmt"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// completeTurnLocked appends one whole scripted turn at once, as it would
// be stored: user message, running, action, observation, reply, stats,
// finished. Seeded history is made of these.
func (c *conversation) completeTurnLocked(text string) {
	c.addUserMessageLocked(userText(text))
	c.setStatusLocked(StatusRunning)
	c.turn = c.newTurnLocked()
	for c.turn != nil {
		if c.turn.step == stepThink {
			c.turn.step++ // no streaming deltas in stored history
			continue
		}
		c.stepLocked()
		if c.status == StatusWaitingForConfirmation {
			// History of an approved action: waiting, then running again.
			c.setStatusLocked(StatusRunning)
		}
	}
}

func userText(text string) message {
	return message{Role: "user", Content: []any{textContent(text)}, Text: text}
}

// generateLocked appends exactly n events quickly: when no run is in
// progress a "running" state update first and a "finished" one last, and
// between them a repeating pattern of user message, action, observation,
// agent reply and stats update. Every event is published as it is stored.
func (c *conversation) generateLocked(n int) {
	if n <= 0 {
		return
	}
	toggle := c.run == nil && n >= 2
	if toggle {
		c.setStatusLockedForce(StatusRunning)
		n -= 2
	}
	var t *turn
	for i := 0; i < n; i++ {
		switch i % 5 {
		case 0:
			c.addUserMessageLocked(userText(fmt.Sprintf("Bulk request %d: check the build", c.turns)))
			t = c.newTurnLocked()
		case 1:
			t.action = c.emitLocked(newActionEvent(t.call))
		case 2:
			c.emitLocked(newObservationEvent(t.action, t.call, t.output, 0, wire.Hex(c.id)))
		case 3:
			c.emitLocked(newAgentMessage(replyText(t, Content{}), t.call.ResponseID))
		case 4:
			c.stats.addTurn("default", t.n, c.srv.clock.Next())
			c.emitLocked(newStateUpdate("stats", c.stats.compact()))
		}
	}
	if toggle {
		c.setStatusLockedForce(StatusFinished)
	}
}

// setStatusLockedForce emits the state update even when the status does
// not change, so a bulk batch always has exactly the events asked for.
func (c *conversation) setStatusLockedForce(status string) {
	c.status = status
	c.emitLocked(newStateUpdate("execution_status", status))
}

// seedStatusLocked brings a seeded conversation to the status asked for
// (already validated by Seed).
func (c *conversation) seedStatusLocked(status string) {
	switch status {
	case StatusRunning:
		_ = c.startRunLocked() // a new conversation cannot be running yet
	case StatusPaused:
		if c.status != StatusIdle && c.status != StatusRunning {
			// Only idle or running conversations pause; a new message
			// first brings a finished one back to idle.
			c.addUserMessageLocked(userText("Continue with the next step"))
		}
		c.pauseLocked()
	case StatusWaitingForConfirmation:
		c.addUserMessageLocked(userText("Clean up the build directory"))
		c.setStatusLocked(StatusRunning)
		c.turn = c.newTurnLocked()
		c.turn.step = stepAction
		c.turn.action = c.emitLocked(newActionEvent(c.turn.call))
		c.turn.step = stepObserve
		c.setStatusLocked(StatusWaitingForConfirmation)
	case StatusFinished, StatusError, StatusStuck:
		if status == StatusError {
			c.emitLocked(&Event{Source: SourceEnvironment, Kind: "ConversationErrorEvent", Fields: wire.Obj{
				{K: "code", V: "AuthenticationError"},
				{K: "detail", V: "litellm.AuthenticationError: Incorrect API key provided"},
			}})
		}
		c.setStatusLocked(status)
	}
}

package agentserver

import (
	"fmt"
	"strings"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// scriptCommands are the terminal calls the scripted agent cycles through;
// the risks let ConfirmRisky be exercised (HIGH every fourth turn).
var scriptCommands = []struct{ cmd, summary, risk, out string }{
	{"ls -la /workspace/project", "List the project files", "LOW",
		"total 24\ndrwxr-xr-x 5 openhands openhands 4096 .\n-rw-r--r-- 1 openhands openhands  812 README.md\n-rw-r--r-- 1 openhands openhands  120 go.mod\ndrwxr-xr-x 2 openhands openhands 4096 cmd"},
	{"git status --short", "Check the working tree", "LOW",
		" M main.go\n?? notes.txt"},
	{"go test ./... 2>&1 | tail -5", "Run the test suite", "MEDIUM",
		"ok  \texample.com/project/cmd\t0.012s\nok  \texample.com/project/internal\t0.034s"},
	{"rm -rf build/ && make build", "Rebuild from a clean tree", "HIGH",
		"rm -rf build/\ngo build -o build/app ./cmd/app\nbuild finished"},
}

// turn is one scripted agent turn: think, call the terminal, observe,
// reply, account, finish. It survives a pause so run resumes it.
type turn struct {
	n        int
	step     int
	call     terminalCall
	output   string
	action   *Event // the ActionEvent, once emitted
	resolved bool   // the action has its observation (or a rejection)
	request  string // the user text being answered
}

// Turn steps, in order.
const (
	stepThink = iota
	stepAction
	stepObserve
	stepReply
	stepStats
	stepFinish
)

func (c *conversation) newTurnLocked() *turn {
	n := c.turns
	c.turns++
	sc := scriptCommands[n%len(scriptCommands)]
	t := &turn{
		n: n,
		call: terminalCall{
			Command:    sc.cmd,
			Summary:    sc.summary,
			Risk:       sc.risk,
			Thought:    fmt.Sprintf("I'll start by running `%s` to see where things stand.", sc.cmd),
			ToolCallID: "toolu_" + wire.NewHex()[:24],
			ResponseID: "chatcmpl-" + wire.NewHex(),
		},
		output: sc.out,
	}
	if e := c.log.get(c.lastUserMsgID); e != nil {
		t.request = e.text
	}
	return t
}

// needsConfirmation applies the conversation's confirmation policy to the
// scripted action (ConfirmRisky: HIGH, and UNKNOWN with confirm_unknown).
func (c *conversation) needsConfirmation(risk string) bool {
	switch c.policy {
	case AlwaysConfirm:
		return true
	case ConfirmRisky:
		return risk == "HIGH" || risk == "UNKNOWN"
	}
	return false
}

// stepLocked performs the next step of the turn in progress.
func (c *conversation) stepLocked() {
	t := c.turn
	content := c.srv.Content()
	streaming := c.srv.version.AtLeast(tagStreamingDelta)
	switch t.step {
	case stepThink:
		if streaming {
			for _, chunk := range chunks(t.call.Thought, 3) {
				c.publishLocked(newStreamingDelta(chunk))
			}
		}
	case stepAction:
		t.action = c.emitLocked(newActionEvent(t.call))
		if c.needsConfirmation(t.call.Risk) {
			c.setStatusLocked(StatusWaitingForConfirmation)
		}
	case stepObserve:
		out := observationOutput(t.output, content)
		c.emitLocked(newObservationEvent(t.action, t.call, out, 0, wire.Hex(c.id)))
		t.resolved = true
	case stepReply:
		reply := replyText(t, content)
		if streaming {
			for _, chunk := range chunks(reply, 4) {
				c.publishLocked(newStreamingDelta(chunk))
			}
		}
		c.emitLocked(newAgentMessage(reply, t.call.ResponseID))
	case stepStats:
		now := c.srv.clock.Next()
		c.stats.addTurn("default", t.n, now)
		if t.n%3 == 2 {
			c.stats.addTurn("condenser", t.n, now)
		}
		c.emitLocked(newStateUpdate("stats", c.stats.compact()))
	case stepFinish:
		if c.pendingTurns > 0 {
			// A message arrived during the run: the loop carries on.
			c.pendingTurns--
			c.turn = c.newTurnLocked()
			return
		}
		c.setStatusLocked(StatusFinished)
		c.turn = nil
		return
	}
	t.step++
}

func replyText(t *turn, content Content) string {
	req := strings.TrimSpace(t.request)
	if req == "" {
		req = "your request"
	} else {
		req = "“" + truncateRunes(req, 60) + "”"
	}
	text := fmt.Sprintf("Done with %s. I ran `%s` and it finished with exit code 0.", req, t.call.Command)
	if content.Hostile {
		text += " " + hostileText
	}
	return text
}

// chunks splits s into about n pieces for streaming deltas.
func chunks(s string, n int) []string {
	if n < 1 || len(s) == 0 {
		return nil
	}
	size := (len(s) + n - 1) / n
	var out []string
	for len(s) > 0 {
		k := min(size, len(s))
		// Do not cut a UTF-8 sequence in two.
		for k < len(s) && s[k]&0xC0 == 0x80 {
			k++
		}
		out = append(out, s[:k])
		s = s[k:]
	}
	return out
}

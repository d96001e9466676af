package nestedv0

import (
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

var v0Commands = []struct{ cmd, out string }{
	{"ls /workspace", "README.md\nsrc\ntests"},
	{"python -m pytest -q", "....\n4 passed in 0.12s"},
	{"git diff --stat", " src/app.py | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)"},
}

// attached reports whether the conversation has a live agent loop; the
// message and event routes 404 otherwise (attach_to_conversation fails).
func (s *Server) attached(w http.ResponseWriter, r *http.Request) bool {
	s.mu.Lock()
	ok := !s.deleted && r.PathValue("id") == s.id && (s.status == StatusRunning || s.status == StatusStarting)
	s.mu.Unlock()
	if !ok {
		notFound(w, r.PathValue("id"))
	}
	return ok
}

// postMessage is POST …/message {"message": text}: a user MessageAction
// that the agent answers.
func (s *Server) postMessage(w http.ResponseWriter, r *http.Request) {
	if !s.attached(w, r) {
		return
	}
	var body struct {
		Message *string `json:"message"`
	}
	if !readBody(w, r, &body) {
		return
	}
	if body.Message == nil {
		wire.WriteValidation(w, wire.ValidationError("missing", []any{"body", "message"}, "Field required", nil))
		return
	}
	s.SendMessage(*body.Message)
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "success", V: true}})
}

// postEvent is POST …/events with a raw V0 event dict; a user message
// action makes the agent answer.
func (s *Server) postEvent(w http.ResponseWriter, r *http.Request) {
	if !s.attached(w, r) {
		return
	}
	var dict map[string]any
	if !readBody(w, r, &dict) {
		return
	}
	s.mu.Lock()
	id := len(s.events)
	ts := wire.NaiveISO(s.clock.Next(), s.opts.Location)
	s.events = append(s.events, v0event{id: id, body: rawEvent(dict, id, ts)})
	s.updatedAt = s.clock.Next()
	s.mu.Unlock()
	s.notify()
	if dict["action"] == "message" && dict["source"] == "user" {
		args, _ := dict["args"].(map[string]any)
		text, _ := args["content"].(string)
		s.answer(text)
	}
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "success", V: true}})
}

// SendMessage appends a user message and lets the agent answer it.
func (s *Server) SendMessage(text string) {
	s.mu.Lock()
	s.appendLocked(userMessage(text))
	s.mu.Unlock()
	s.notify()
	s.answer(text)
}

// answer queues a scripted reply; one goroutine works the queue.
func (s *Server) answer(text string) {
	s.mu.Lock()
	s.queued = append(s.queued, text)
	if s.running || s.ctx.Err() != nil {
		s.mu.Unlock()
		return
	}
	s.running = true
	s.mu.Unlock()
	s.wg.Add(1)
	go s.work()
}

func (s *Server) work() {
	defer s.wg.Done()
	for {
		s.mu.Lock()
		if len(s.queued) == 0 || s.status == StatusStopped || s.deleted {
			s.running = false
			s.queued = nil
			s.mu.Unlock()
			return
		}
		text := s.queued[0]
		s.queued = s.queued[1:]
		n := s.turns
		s.turns++
		s.mu.Unlock()
		c := v0Commands[n%len(v0Commands)]
		var action int
		steps := []func(){
			func() { s.appendLocked(stateChanged(AgentRunning)) },
			func() { action = s.appendLocked(runAction(c.cmd, "Let me look at the workspace first.")) },
			func() { s.appendLocked(runObservation(action, c.cmd, c.out, 0)) },
			func() { s.appendLocked(agentMessage(fmt.Sprintf("Done: %s", truncate(text, 60)))) },
			func() { s.appendLocked(stateChanged(AgentAwaitingUserInput)) },
		}
		for _, step := range steps {
			if !s.pace.Sleep(s.ctx) {
				s.mu.Lock()
				s.running = false
				s.mu.Unlock()
				return
			}
			s.mu.Lock()
			if s.status == StatusStopped || s.deleted {
				s.mu.Unlock()
				break
			}
			step()
			s.mu.Unlock()
			s.notify()
		}
	}
}

func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}

// Generate appends n events at once (user message, command, output,
// reply, repeating) and returns the new number of events.
func (s *Server) Generate(n int) int {
	s.mu.Lock()
	defer s.notify()
	defer s.mu.Unlock()
	var action int
	for i := 0; i < n; i++ {
		c := v0Commands[i/4%len(v0Commands)]
		switch i % 4 {
		case 0:
			s.appendLocked(userMessage(fmt.Sprintf("Bulk request %d", i/4)))
		case 1:
			action = s.appendLocked(runAction(c.cmd, ""))
		case 2:
			s.appendLocked(runObservation(action, c.cmd, c.out, 0))
		case 3:
			s.appendLocked(agentMessage("Bulk reply"))
		}
	}
	return len(s.events)
}

// Events returns every stored event dict in id order.
func (s *Server) Events() []json.RawMessage {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]json.RawMessage, len(s.events))
	for i, e := range s.events {
		out[i] = e.body
	}
	return out
}

// Status returns the conversation status.
func (s *Server) Status() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.status
}

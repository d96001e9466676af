package nestedv0

import (
	"net/http"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// conversationResponse is ConversationResponse of manage_conversations.py.
func conversationResponse(id, message, status string) wire.Obj {
	o := wire.Obj{{K: "status", V: "ok"}, {K: "conversation_id", V: id}}
	if message != "" {
		o = append(o, wire.KV{K: "message", V: message})
	}
	return append(o, wire.KV{K: "conversation_status", V: status})
}

// stopConversation closes the agent loop: a starting or running
// conversation becomes STOPPED after StopDelay (clients poll for it);
// anything else answers "Conversation was not running".
func (s *Server) stopConversation(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	s.mu.Lock()
	status := StatusStopped
	if !s.deleted && id == s.id {
		status = s.status
	}
	s.mu.Unlock()
	if status != StatusStarting && status != StatusRunning {
		wire.WriteJSON(w, http.StatusOK, conversationResponse(id, "Conversation was not running", status))
		return
	}
	s.after(s.opts.StopDelay, func() {
		if s.status == StatusStarting || s.status == StatusRunning {
			s.status = StatusStopped
			s.queued = nil
			s.appendLocked(stateChanged(AgentStopped))
		}
	})
	wire.WriteJSON(w, http.StatusOK, conversationResponse(id, "Conversation stopped successfully", status))
}

// startConversation starts the agent loop again (STARTING, then RUNNING
// after StartDelay).
func (s *Server) startConversation(w http.ResponseWriter, r *http.Request) {
	if !s.hosts(r) {
		wire.WriteJSON(w, http.StatusNotFound, wire.Obj{{K: "status", V: "error"}, {K: "conversation_id", V: r.PathValue("id")}})
		return
	}
	s.mu.Lock()
	if s.status != StatusRunning && s.status != StatusStarting {
		s.status = StatusStarting
		s.appendLocked(stateChanged(AgentLoading))
	}
	status := s.status
	s.mu.Unlock()
	s.notify()
	if status == StatusStarting {
		s.after(s.opts.StartDelay, func() {
			if s.status == StatusStarting {
				s.status = StatusRunning
				s.appendLocked(stateChanged(AgentAwaitingUserInput))
			}
		})
	}
	wire.WriteJSON(w, http.StatusOK, conversationResponse(s.id, "", status))
}

// deleteConversation stops the loop and deletes the metadata: true, or
// false for an unknown id.
func (s *Server) deleteConversation(w http.ResponseWriter, r *http.Request) {
	if !s.hosts(r) {
		wire.WriteJSON(w, http.StatusOK, false)
		return
	}
	s.mu.Lock()
	s.deleted = true
	s.status = StatusStopped
	s.queued = nil
	s.mu.Unlock()
	s.notify()
	wire.WriteJSON(w, http.StatusOK, true)
}

func (s *Server) patchConversation(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Title string `json:"title"`
	}
	if !readBody(w, r, &body) {
		return
	}
	if !s.hosts(r) {
		wire.WriteJSON(w, http.StatusNotFound, wire.Obj{
			{K: "status", V: "error"}, {K: "message", V: "Conversation not found"}, {K: "msg_id", V: "CONVERSATION$NOT_FOUND"},
		})
		return
	}
	s.mu.Lock()
	if body.Title != "" {
		s.title = body.Title
	}
	s.updatedAt = s.clock.Next()
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, true)
}

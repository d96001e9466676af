package agentserver

import (
	"errors"
	"net/http"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// maxBodyBytes bounds request bodies (the emulator is not a upload target).
const maxBodyBytes = 8 << 20

func (s *Server) searchConversations(w http.ResponseWriter, r *http.Request) {
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	q := r.URL.Query()
	status, ok := s.queryStatus(w, r)
	if !ok {
		return
	}
	order := SortCreatedAtDesc
	if v := q.Get("sort_order"); q.Has("sort_order") {
		switch v {
		case SortCreatedAt, SortUpdatedAt, SortCreatedAtDesc, SortUpdatedAtDesc:
			order = v
		default:
			wire.WriteValidation(w, wire.ValidationError("enum", []any{"query", "sort_order"},
				"Input should be 'CREATED_AT', 'UPDATED_AT', 'CREATED_AT_DESC' or 'UPDATED_AT_DESC'", v))
			return
		}
	}
	recs := s.records()
	filtered := recs[:0]
	for _, rec := range recs {
		if status == "" || rec.status == status {
			filtered = append(filtered, rec)
		}
	}
	sortRecords(filtered, order)
	start := 0
	if pageID := q.Get("page_id"); pageID != "" {
		// Compared with uuid.hex only: a dashed page_id restarts the list.
		for i, rec := range filtered {
			if wire.Hex(rec.c.id) == pageID {
				start = i
				break
			}
		}
	}
	items := []any{}
	var next any
	for _, rec := range filtered[start:] {
		if len(items) >= limit {
			next = wire.Hex(rec.c.id)
			break
		}
		items = append(items, rec.c.info())
	}
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "items", V: items}, {K: "next_page_id", V: next}})
}

// queryStatus reads the optional status filter (422 for an unknown value).
func (s *Server) queryStatus(w http.ResponseWriter, r *http.Request) (string, bool) {
	q := r.URL.Query()
	if !q.Has("status") {
		return "", true
	}
	v := q.Get("status")
	if !validStatus(v) || (v == StatusDeleting && !s.version.AtLeast(tagDeleting)) {
		wire.WriteValidation(w, wire.ValidationError("enum", []any{"query", "status"},
			"Input should be 'idle', 'running', 'paused', 'waiting_for_confirmation', 'finished', 'error', 'stuck' or 'deleting'", v))
		return "", false
	}
	return v, true
}

func (s *Server) countConversations(w http.ResponseWriter, r *http.Request) {
	status, ok := s.queryStatus(w, r)
	if !ok {
		return
	}
	n := 0
	for _, rec := range s.records() {
		if status == "" || rec.status == status {
			n++
		}
	}
	wire.WriteJSON(w, http.StatusOK, n)
}

func (c *conversation) info() wire.Obj {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.infoLocked()
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) {
	if c := s.conversationOr404(w, r, false); c != nil {
		wire.WriteJSON(w, http.StatusOK, c.info())
	}
}

func (s *Server) batchGetConversations(w http.ResponseWriter, r *http.Request) {
	raw := r.URL.Query()["ids"]
	if len(raw) == 0 {
		wire.WriteValidation(w, wire.ValidationError("missing", []any{"query", "ids"}, "Field required", nil))
		return
	}
	ids := make([]string, len(raw))
	for i, v := range raw {
		id, ok := wire.ParseUUID(v)
		if !ok {
			wire.WriteValidation(w, wire.ValidationError("uuid_parsing", []any{"query", "ids", i}, "Input should be a valid UUID", v))
			return
		}
		ids[i] = id
	}
	if len(ids) >= 100 {
		wire.WriteInternalError(w, "") // assert len(ids) < 100
		return
	}
	out := make([]any, len(ids))
	for i, id := range ids {
		if c := s.lookup(id); c != nil {
			out[i] = c.info()
		}
	}
	wire.WriteJSON(w, http.StatusOK, out)
}

func (s *Server) pauseConversation(w http.ResponseWriter, r *http.Request) {
	id, ok := pathConversation(w, r)
	if !ok {
		return
	}
	c := s.lookup(id)
	if c == nil || c.pause() != nil {
		wire.WriteStatusDetail(w, http.StatusBadRequest)
		return
	}
	writeSuccess(w, true)
}

func (s *Server) interruptConversation(w http.ResponseWriter, r *http.Request) {
	id, ok := pathConversation(w, r)
	if !ok {
		return
	}
	c := s.lookup(id)
	if c == nil || c.interrupt(r.Context()) != nil {
		wire.WriteStatusDetail(w, http.StatusBadRequest)
		return
	}
	writeSuccess(w, true)
}

func (s *Server) runConversation(w http.ResponseWriter, r *http.Request) {
	c := s.conversationOr404(w, r, false)
	if c == nil {
		return
	}
	c.mu.Lock()
	err := c.startRunLocked()
	c.mu.Unlock()
	switch {
	case errors.Is(err, errAlreadyRunning):
		wire.WriteDetail(w, http.StatusConflict, "Conversation already running. Wait for completion or pause first.")
	case err != nil:
		wire.WriteDetail(w, http.StatusBadRequest, "inactive_service")
	default:
		writeSuccess(w, true)
	}
}

func (s *Server) deleteConversation(w http.ResponseWriter, r *http.Request) {
	id, ok := pathConversation(w, r)
	if !ok {
		return
	}
	if !s.remove(id) {
		wire.WriteStatusDetail(w, http.StatusBadRequest)
		return
	}
	writeSuccess(w, true)
}

// updateConversation is PATCH: title (1..200 chars or null) and tags; an
// unknown conversation answers {"success": false}, not 404.
func (s *Server) updateConversation(w http.ResponseWriter, r *http.Request) {
	id, ok := pathConversation(w, r)
	if !ok {
		return
	}
	var body struct {
		Title *string           `json:"title"`
		Tags  map[string]string `json:"tags"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.Title != nil && (len([]rune(*body.Title)) < 1 || len([]rune(*body.Title)) > 200) {
		wire.WriteValidation(w, wire.ValidationError("string_too_long", []any{"body", "title"},
			"String should have between 1 and 200 characters", *body.Title))
		return
	}
	if msg := checkTags(body.Tags); msg != "" {
		wire.WriteValidation(w, wire.ValidationError("value_error", []any{"body", "tags"}, msg, body.Tags))
		return
	}
	c := s.lookup(id)
	if c == nil {
		writeSuccess(w, false)
		return
	}
	c.mu.Lock()
	if body.Title != nil {
		t := *body.Title
		c.title = &t
	}
	if body.Tags != nil {
		c.tags = body.Tags
	}
	c.updatedAt = s.clock.Next()
	c.mu.Unlock()
	s.notify()
	writeSuccess(w, true)
}

func (s *Server) agentFinalResponse(w http.ResponseWriter, r *http.Request) {
	c := s.conversationOr404(w, r, false)
	if c == nil {
		return
	}
	c.mu.Lock()
	resp := ""
	for i := len(c.log.events) - 1; i >= 0; i-- {
		if e := c.log.events[i]; e.Kind == "MessageEvent" && e.Source == SourceAgent {
			if m, ok := e.Fields.Get("llm_message").(wire.Obj); ok {
				content, _ := m.Get("content").([]any)
				resp = messageText(content)
			}
			break
		}
	}
	c.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "response", V: resp}})
}

func (s *Server) setConfirmationPolicy(w http.ResponseWriter, r *http.Request) {
	c := s.conversationOr404(w, r, true)
	if c == nil {
		return
	}
	var body struct {
		Policy struct {
			Kind string `json:"kind"`
		} `json:"policy"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if !validPolicy(body.Policy.Kind) {
		wire.WriteValidation(w, wire.ValidationError("union_tag_invalid", []any{"body", "policy"}, "Input tag does not match any of the expected tags", body.Policy.Kind))
		return
	}
	c.setPolicy(body.Policy.Kind)
	writeSuccess(w, true)
}

func validPolicy(p string) bool { return p == NeverConfirm || p == AlwaysConfirm || p == ConfirmRisky }

func writeSuccess(w http.ResponseWriter, ok bool) {
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "success", V: ok}})
}

// readJSON decodes a JSON body, writing FastAPI's 422 when it is not JSON.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	return wire.ReadJSON(w, r, v, maxBodyBytes)
}

// checkTags applies ConversationTags rules: lowercase alphanumeric keys,
// values up to 256 characters.
func checkTags(tags map[string]string) string {
	for k, v := range tags {
		if k == "" {
			return "tag keys must not be empty"
		}
		for _, ch := range k {
			if !(ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9') {
				return "tag key " + k + " must be lowercase alphanumeric"
			}
		}
		if len([]rune(v)) > 256 {
			return "tag value for " + k + " exceeds 256 characters"
		}
	}
	return ""
}

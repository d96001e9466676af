package agentserver

import (
	"errors"
	"io"
	"net/http"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// queryEventFilter reads kind, source, body and the timestamp bounds.
func (s *Server) queryEventFilter(w http.ResponseWriter, r *http.Request) (eventFilter, bool) {
	q := r.URL.Query()
	f := eventFilter{
		Kind: q.Get("kind"), HasKind: q.Has("kind"),
		Source: q.Get("source"), HasSource: q.Has("source"),
		Body: q.Get("body"), HasBody: q.Has("body"),
	}
	for _, p := range []struct {
		name string
		dst  *string
	}{{"timestamp__gte", &f.TimeGTE}, {"timestamp__lt", &f.TimeLT}} {
		if !q.Has(p.name) {
			continue
		}
		ts, err := wire.NormalizeToServer(q.Get(p.name), s.opts.Location)
		if err != nil {
			wire.WriteValidation(w, wire.ValidationError("datetime_from_date_parsing", []any{"query", p.name},
				"Input should be a valid datetime or date", q.Get(p.name)))
			return f, false
		}
		*p.dst = ts
	}
	return f, true
}

// searchEvents is GET …/events/search: page_id is the id of the first
// event of the page (inclusive), next_page_id the id of the next page's
// first event, items drop null fields.
func (s *Server) searchEvents(w http.ResponseWriter, r *http.Request) {
	s.searches.Add(1)
	r = s.stripIgnored(r)
	c := s.conversationOr404(w, r, true)
	if c == nil {
		return
	}
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	f, ok := s.queryEventFilter(w, r)
	if !ok {
		return
	}
	desc := false
	if q := r.URL.Query(); q.Has("sort_order") {
		switch q.Get("sort_order") {
		case "TIMESTAMP":
		case "TIMESTAMP_DESC":
			desc = true
		default:
			wire.WriteValidation(w, wire.ValidationError("enum", []any{"query", "sort_order"},
				"Input should be 'TIMESTAMP' or 'TIMESTAMP_DESC'", q.Get("sort_order")))
			return
		}
	}
	c.mu.Lock()
	items, next := c.log.search(r.URL.Query().Get("page_id"), limit, desc, f)
	c.mu.Unlock()
	out := make([]any, len(items))
	for i, e := range items {
		out[i] = wire.Raw(e.Compact())
	}
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "items", V: out}, {K: "next_page_id", V: optional(next)}})
}

func (s *Server) countEvents(w http.ResponseWriter, r *http.Request) {
	r = s.stripIgnored(r)
	c := s.conversationOr404(w, r, true)
	if c == nil {
		return
	}
	f, ok := s.queryEventFilter(w, r)
	if !ok {
		return
	}
	c.mu.Lock()
	n := c.log.count(f)
	c.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, n)
}

// getEvent returns one event with its null fields (a response model).
func (s *Server) getEvent(w http.ResponseWriter, r *http.Request) {
	c := s.conversationOr404(w, r, true)
	if c == nil {
		return
	}
	c.mu.Lock()
	e := c.log.get(r.PathValue("event_id"))
	c.mu.Unlock()
	if e == nil {
		wire.WriteStatusDetail(w, http.StatusNotFound)
		return
	}
	wire.WriteRaw(w, http.StatusOK, e.Full())
}

// batchGetEvents is the GET that reads a JSON list of ids from its body.
func (s *Server) batchGetEvents(w http.ResponseWriter, r *http.Request) {
	c := s.conversationOr404(w, r, true)
	if c == nil {
		return
	}
	var ids []string
	if !readJSON(w, r, &ids) {
		return
	}
	out := make([]any, len(ids))
	c.mu.Lock()
	for i, id := range ids {
		if e := c.log.get(id); e != nil {
			out[i] = wire.Raw(e.Full())
		}
	}
	c.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, out)
}

// sendMessageRoute is POST …/events (SendMessageRequest, run default false).
func (s *Server) sendMessageRoute(w http.ResponseWriter, r *http.Request) {
	c := s.conversationOr404(w, r, true)
	if c == nil {
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		wire.WriteInternalError(w, err.Error())
		return
	}
	m, err := parseMessage(body, true)
	var verr validationError
	switch {
	case errors.As(err, &verr):
		wire.WriteValidation(w, verr...)
		return
	case err != nil:
		wire.WriteValidation(w, wire.ValidationError("json_invalid", []any{"body"}, "JSON decode error", string(body)))
		return
	}
	if err := c.sendMessage(m, m.Run); err != nil {
		if errors.Is(err, errNotUserRole) {
			wire.WriteInternalError(w, "Only user messages are allowed to be sent to the agent.")
			return
		}
		wire.WriteStatusDetail(w, http.StatusNotFound)
		return
	}
	writeSuccess(w, true)
}

func (s *Server) respondToConfirmation(w http.ResponseWriter, r *http.Request) {
	c := s.conversationOr404(w, r, true)
	if c == nil {
		return
	}
	var body struct {
		Accept *bool   `json:"accept"`
		Reason *string `json:"reason"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.Accept == nil {
		wire.WriteValidation(w, wire.ValidationError("missing", []any{"body", "accept"}, "Field required", nil))
		return
	}
	reason := "User rejected the action."
	if body.Reason != nil {
		reason = *body.Reason
	}
	if err := c.respond(*body.Accept, reason); err != nil {
		wire.WriteStatusDetail(w, http.StatusNotFound)
		return
	}
	writeSuccess(w, true)
}

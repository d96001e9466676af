package appserver

import (
	"cmp"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// conv is one app conversation as the app-server's database holds it.
type conv struct {
	hex, dashed, sandboxID        string
	title, repo, branch, provider string
	trigger, model, parent        string
	createdAt, updatedAt          time.Time
	lastStatus                    string
	metrics                       json.RawMessage
}

// syncLocked plays the agent-servers' webhooks: every conversation in a
// running sandbox whose execution status changed gets its metrics read
// again and its updated_at moved (see the package doc: a guess).
func (s *Sim) syncLocked() {
	now := s.cfg.Now()
	for _, c := range s.convs {
		sb := s.sandboxes[c.sandboxID]
		if sb == nil || s.statusLocked(sb) != StatusRunning {
			continue
		}
		st, err := sb.agent.Status(c.dashed)
		if err != nil || st == c.lastStatus {
			continue
		}
		first := c.lastStatus == ""
		c.lastStatus = st
		if info, err := sb.agent.Info(c.dashed); err == nil {
			c.metrics = agentMetrics(info)
		}
		if !first {
			c.updatedAt = now
		}
	}
}

// agentMetrics picks the agent LLM's MetricsSnapshot out of a
// ConversationInfo's stats, as upstream stores it.
func agentMetrics(info json.RawMessage) json.RawMessage {
	var ci struct {
		Stats struct {
			UsageToMetrics map[string]struct {
				ModelName        string          `json:"model_name"`
				AccumulatedCost  float64         `json:"accumulated_cost"`
				MaxBudgetPerTask *float64        `json:"max_budget_per_task"`
				TokenUsage       json.RawMessage `json:"accumulated_token_usage"`
			} `json:"usage_to_metrics"`
		} `json:"stats"`
	}
	if json.Unmarshal(info, &ci) != nil {
		return nil
	}
	m, ok := ci.Stats.UsageToMetrics["agent"]
	if !ok {
		m, ok = ci.Stats.UsageToMetrics["default"]
	}
	if !ok {
		return nil
	}
	out, _ := json.Marshal(struct {
		ModelName        string          `json:"model_name"`
		AccumulatedCost  float64         `json:"accumulated_cost"`
		MaxBudgetPerTask *float64        `json:"max_budget_per_task"`
		TokenUsage       json.RawMessage `json:"accumulated_token_usage"`
	}{m.ModelName, m.AccumulatedCost, m.MaxBudgetPerTask, m.TokenUsage})
	return out
}

// renderLocked is the AppConversation; subs are the sub-conversation
// ids (search leaves them empty, as upstream's search does).
func (s *Sim) renderLocked(c *conv, subs []string) wire.Obj {
	sbStatus, exec, url, key := StatusMissing, any(nil), any(nil), any(nil)
	if sb := s.sandboxes[c.sandboxID]; sb != nil {
		sbStatus = s.statusLocked(sb)
		if sbStatus == StatusRunning {
			exec = nullable(c.lastStatus)
			url = s.cfg.PublicURL + "/agent/" + sb.id + "/api/conversations/" + c.hex
			key = sb.key
		}
	}
	subIDs := make([]any, len(subs))
	for i, v := range subs {
		subIDs[i] = v
	}
	var metrics any
	if c.metrics != nil {
		metrics = wire.Raw(c.metrics)
	}
	return wire.Obj{
		{K: "id", V: c.hex},
		{K: "created_by_user_id", V: nil},
		{K: "sandbox_id", V: c.sandboxID},
		{K: "selected_repository", V: nullable(c.repo)},
		{K: "selected_branch", V: nullable(c.branch)},
		{K: "git_provider", V: nullable(c.provider)},
		{K: "title", V: nullable(c.title)},
		{K: "trigger", V: nullable(c.trigger)},
		{K: "pr_number", V: []any{}},
		{K: "llm_model", V: nullable(c.model)},
		{K: "agent_kind", V: "openhands"},
		{K: "metrics", V: metrics},
		{K: "parent_conversation_id", V: nullable(c.parent)},
		{K: "sub_conversation_ids", V: subIDs},
		{K: "public", V: nil},
		{K: "tags", V: wire.Obj{}},
		{K: "created_at", V: wire.UTCISO(c.createdAt)},
		{K: "updated_at", V: wire.UTCISO(c.updatedAt)},
		{K: "sandbox_status", V: sbStatus},
		{K: "execution_status", V: exec},
		{K: "conversation_url", V: url},
		{K: "session_api_key", V: key},
	}
}

// convFilter holds the search filters of the router.
type convFilter struct {
	title                 string
	hasTitle              bool
	createdGTE, createdLT time.Time
	updatedGTE, updatedLT time.Time
	subs                  bool
}

func (f convFilter) match(c *conv) bool {
	switch {
	case f.hasTitle && !strings.Contains(c.title, f.title):
	case !f.createdGTE.IsZero() && c.createdAt.Before(f.createdGTE):
	case !f.createdLT.IsZero() && !c.createdAt.Before(f.createdLT):
	case !f.updatedGTE.IsZero() && c.updatedAt.Before(f.updatedGTE):
	case !f.updatedLT.IsZero() && !c.updatedAt.Before(f.updatedLT):
	default:
		return true
	}
	return false
}

// parseFilter reads the filters, answering 422 for a bad datetime.
func parseFilter(w http.ResponseWriter, r *http.Request) (convFilter, bool) {
	q := r.URL.Query()
	var f convFilter
	f.title, f.hasTitle = q.Get("title__contains"), q.Has("title__contains")
	for name, dst := range map[string]*time.Time{"created_at__gte": &f.createdGTE, "created_at__lt": &f.createdLT, "updated_at__gte": &f.updatedGTE, "updated_at__lt": &f.updatedLT} {
		v := q.Get(name)
		if v == "" {
			continue
		}
		t, _, err := wire.ParseDatetime(v)
		if err != nil {
			wire.WriteValidation(w, wire.ValidationError("datetime_from_date_parsing", []any{"query", name}, "Input should be a valid datetime", v))
			return f, false
		}
		*dst = t
	}
	switch v := strings.ToLower(q.Get("include_sub_conversations")); v {
	case "", "false", "0", "no", "off":
	case "true", "1", "yes", "on":
		f.subs = true
	default:
		wire.WriteValidation(w, wire.ValidationError("bool_parsing", []any{"query", "include_sub_conversations"}, "Input should be a valid boolean", v))
		return f, false
	}
	return f, true
}

// sortConvs orders by sort_order (newer routers; default CREATED_AT_DESC).
func sortConvs(cs []*conv, order string) bool {
	var by func(a, b *conv) int
	switch order {
	case "", "CREATED_AT_DESC":
		by = func(a, b *conv) int { return b.createdAt.Compare(a.createdAt) }
	case "CREATED_AT":
		by = func(a, b *conv) int { return a.createdAt.Compare(b.createdAt) }
	case "UPDATED_AT_DESC":
		by = func(a, b *conv) int { return b.updatedAt.Compare(a.updatedAt) }
	case "UPDATED_AT":
		by = func(a, b *conv) int { return a.updatedAt.Compare(b.updatedAt) }
	case "TITLE":
		by = func(a, b *conv) int { return cmp.Compare(a.title, b.title) }
	case "TITLE_DESC":
		by = func(a, b *conv) int { return cmp.Compare(b.title, a.title) }
	default:
		return false
	}
	slices.SortFunc(cs, func(a, b *conv) int { return cmp.Or(by(a, b), cmp.Compare(a.hex, b.hex)) })
	return true
}

func (s *Sim) searchConvs(w http.ResponseWriter, r *http.Request) {
	s.count(RouteConvSearch)
	limit, ok := parseLimit(w, r)
	if !ok {
		return
	}
	f, ok := parseFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.syncLocked()
	var hits []*conv
	for _, c := range s.convs {
		if (f.subs || c.parent == "") && f.match(c) {
			hits = append(hits, c)
		}
	}
	if !sortConvs(hits, r.URL.Query().Get("sort_order")) {
		s.mu.Unlock()
		wire.WriteValidation(w, wire.ValidationError("enum", []any{"query", "sort_order"}, "Input should be a valid sort order", r.URL.Query().Get("sort_order")))
		return
	}
	from, to, next := page(len(hits), offsetOf(r), limit)
	items := make([]any, 0, to-from)
	for _, c := range hits[from:to] {
		items = append(items, s.renderLocked(c, nil))
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "items", V: items}, {K: "next_page_id", V: next}})
}

func (s *Sim) countConvs(w http.ResponseWriter, r *http.Request) {
	s.count(RouteConvCount)
	f, ok := parseFilter(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	s.syncLocked()
	n := 0
	for _, c := range s.convs {
		if f.match(c) {
			n++
		}
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, n)
}

func (s *Sim) batchConvs(w http.ResponseWriter, r *http.Request) {
	s.count(RouteConvBatch)
	ids := r.URL.Query()["ids"]
	hexes := make([]string, len(ids))
	for i, id := range ids {
		d, ok := wire.ParseUUID(id)
		if !ok {
			wire.WriteValidation(w, wire.ValidationError("uuid_parsing", []any{"query", "ids", i}, "Input should be a valid UUID", id))
			return
		}
		hexes[i] = wire.Hex(d)
	}
	if len(ids) >= 100 {
		wire.WriteInternalError(w, "AssertionError") // upstream: assert len(ids) < 100
		return
	}
	s.mu.Lock()
	s.syncLocked()
	out := make([]any, len(ids))
	for i, h := range hexes {
		if c := s.convs[h]; c != nil {
			out[i] = s.renderLocked(c, s.subsLocked(h))
		}
	}
	s.mu.Unlock()
	wire.WriteJSON(w, http.StatusOK, out)
}

func (s *Sim) subsLocked(parent string) []string {
	var out []string
	for _, c := range s.convs {
		if c.parent == parent {
			out = append(out, c.hex)
		}
	}
	slices.Sort(out)
	return out
}

// TouchConversation moves a conversation's updated_at to now, as a
// title or metadata change does.
func (s *Sim) TouchConversation(hex string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.convs[hex]
	if c == nil {
		return false
	}
	c.updatedAt = s.cfg.Now()
	return true
}

// SetTitle retitles a conversation and moves its updated_at.
func (s *Sim) SetTitle(hex, title string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.convs[hex]
	if c == nil {
		return false
	}
	c.title, c.updatedAt = title, s.cfg.Now()
	return true
}

// DeleteConversation forgets a conversation (its agent-server keeps it).
func (s *Sim) DeleteConversation(hex string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.convs[hex]
	delete(s.convs, hex)
	return ok
}

// ConversationIDs lists every app conversation id (32-hex), sorted.
func (s *Sim) ConversationIDs() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, 0, len(s.convs))
	for h := range s.convs {
		out = append(out, h)
	}
	slices.Sort(out)
	return out
}

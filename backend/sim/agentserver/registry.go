package agentserver

import (
	"sort"
	"time"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// newConv describes a conversation to create.
type newConv struct {
	id             string // dashed; empty = new random id
	agent          wire.Obj
	model          string
	policy         string
	workingDir     string
	maxIterations  int
	stuckDetection bool
	autotitle      bool
	tags           map[string]string
	title          *string
	createdAt      time.Time
	inactive       bool
}

func (s *Server) defaultConv() newConv {
	return newConv{
		model:          s.opts.Model,
		policy:         s.opts.Confirmation,
		workingDir:     "/workspace/project",
		maxIterations:  500,
		stuckDetection: true,
		autotitle:      true,
	}
}

// create registers a conversation, or returns the existing one with the
// same id (created false), as start_conversation does.
func (s *Server) create(spec newConv) (c *conversation, created bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if spec.id != "" {
		if old := s.conversations[spec.id]; old != nil {
			return old, false
		}
	} else {
		spec.id = wire.NewUUID()
	}
	if spec.agent == nil {
		spec.agent = defaultAgent(spec.model)
	}
	now := s.clock.Next()
	if spec.createdAt.IsZero() {
		spec.createdAt = now
	}
	c = &conversation{
		srv:            s,
		id:             spec.id,
		title:          spec.title,
		tags:           spec.tags,
		createdAt:      spec.createdAt,
		updatedAt:      spec.createdAt,
		agent:          spec.agent,
		model:          spec.model,
		workingDir:     spec.workingDir,
		maxIterations:  spec.maxIterations,
		stuckDetection: spec.stuckDetection,
		policy:         spec.policy,
		autotitle:      spec.autotitle,
		inactive:       spec.inactive,
		status:         StatusIdle,
		stats:          newStats(spec.model),
	}
	c.mu.Lock()
	c.emitLocked(newSystemPrompt())
	c.updatedAt = spec.createdAt
	c.mu.Unlock()
	s.conversations[c.id] = c
	s.order = append(s.order, c)
	return c, true
}

// remove deletes a conversation: its run stops. Its websockets stay open
// but receive nothing more (the real PubSub's subscriber close is a
// no-op); a frame sent on one gets a ServerErrorEvent.
func (s *Server) remove(id string) bool {
	s.mu.Lock()
	c := s.conversations[id]
	if c == nil {
		s.mu.Unlock()
		return false
	}
	delete(s.conversations, id)
	for i, o := range s.order {
		if o == c {
			s.order = append(s.order[:i:i], s.order[i+1:]...)
			break
		}
	}
	s.mu.Unlock()
	c.mu.Lock()
	c.deleted = true
	if c.run != nil {
		c.run.cancel()
	}
	c.hub = hub{}
	c.mu.Unlock()
	s.notify()
	return true
}

// convRecord is a conversation's sort keys and status read under its lock.
type convRecord struct {
	c                *conversation
	created, updated time.Time
	status           string
}

// records lists the conversations in creation order.
func (s *Server) records() []convRecord {
	s.mu.Lock()
	convs := append([]*conversation(nil), s.order...)
	s.mu.Unlock()
	out := make([]convRecord, 0, len(convs))
	for _, c := range convs {
		c.mu.Lock()
		out = append(out, convRecord{c: c, created: c.createdAt, updated: c.updatedAt, status: c.status})
		c.mu.Unlock()
	}
	return out
}

// Conversation sort orders (AS/models.py ConversationSortOrder).
const (
	SortCreatedAt     = "CREATED_AT"
	SortUpdatedAt     = "UPDATED_AT"
	SortCreatedAtDesc = "CREATED_AT_DESC"
	SortUpdatedAtDesc = "UPDATED_AT_DESC"
)

// sortRecords sorts stably, like Python's list.sort(reverse=…), which keeps
// the original order of equal keys in both directions.
func sortRecords(recs []convRecord, order string) {
	key := func(r convRecord) time.Time { return r.created }
	if order == SortUpdatedAt || order == SortUpdatedAtDesc {
		key = func(r convRecord) time.Time { return r.updated }
	}
	desc := order == SortCreatedAtDesc || order == SortUpdatedAtDesc
	sort.SliceStable(recs, func(i, j int) bool {
		if desc {
			return key(recs[i]).After(key(recs[j]))
		}
		return key(recs[i]).Before(key(recs[j]))
	})
}

package events

import (
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// kindFilter narrows the list to one family of events.
type kindFilter int

const (
	kindAll kindFilter = iota
	kindMessages
	kindActions
	kindObservations
	kindErrors
	kindOther
	kindFilters
)

func (k kindFilter) String() string {
	return [...]string{"all kinds", "messages", "actions", "observations", "errors", "other"}[k]
}

// short is the filter in a few letters, for a narrow header.
func (k kindFilter) short() string {
	return [...]string{"all", "msg", "act", "obs", "err", "other"}[k]
}

// family sorts an event kind into the filter's families by the
// agent-server's naming (MessageEvent, ActionEvent, ObservationEvent,
// UserRejectObservation, AgentErrorEvent, ConversationStateUpdateEvent…).
func family(e backend.Event) kindFilter {
	switch {
	case strings.Contains(e.Kind, "Message"):
		return kindMessages
	case strings.Contains(e.Kind, "Action"):
		return kindActions
	case strings.Contains(e.Kind, "Observation"):
		return kindObservations
	case strings.Contains(e.Kind, "Error") || e.Failed:
		return kindErrors
	}
	return kindOther
}

// sourceFilter narrows the list to one source.
type sourceFilter int

const (
	sourceAll sourceFilter = iota
	sourceUser
	sourceAgent
	sourceEnvironment
	sourceFilters
)

func (s sourceFilter) String() string {
	return [...]string{"all sources", "user", "agent", "environment"}[s]
}

// short is the source in a few letters, for a narrow header (and the
// width `ohdash events` pads sources to).
func (s sourceFilter) short() string {
	return [...]string{"all", "user", "agent", "env"}[s]
}

// shows reports whether an item passes the filters. Back-fill markers
// always show: they say where history was recovered.
func (m Model) shows(it item) bool {
	if it.marker > 0 {
		return true
	}
	e := it.ev
	if e.Quiet && !m.quiet {
		return false
	}
	if m.kind != kindAll {
		f := family(e)
		if m.kind == kindErrors {
			if !e.Failed && f != kindErrors {
				return false
			}
		} else if f != m.kind {
			return false
		}
	}
	if m.source != sourceAll && e.Source != m.source.String() {
		return false
	}
	return true
}

// reindex rebuilds the visible index after a filter change or an eviction.
func (m Model) reindex() Model {
	vis := make([]int, 0, len(m.items))
	for i, it := range m.items {
		if m.shows(it) {
			vis = append(vis, i)
		}
	}
	m.vis = vis
	return m
}

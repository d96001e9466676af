package agentserver

import "strings"

// eventLog is a conversation's append-only event list, in file order
// (which is timestamp order). It is guarded by the conversation's lock.
type eventLog struct {
	events []*Event
	index  map[string]int
}

func (l *eventLog) append(e *Event) {
	if l.index == nil {
		l.index = make(map[string]int)
	}
	l.index[e.ID] = len(l.events)
	l.events = append(l.events, e)
}

func (l *eventLog) get(id string) *Event {
	if i, ok := l.index[id]; ok {
		return l.events[i]
	}
	return nil
}

// eventFilter holds the search filters of …/events/search and /count.
// Timestamps are already normalised to naive server-local ISO strings.
type eventFilter struct {
	Kind, Source, Body string
	HasKind, HasSource bool
	HasBody            bool
	TimeGTE, TimeLT    string
}

func (f eventFilter) matches(e *Event) bool {
	if f.HasKind && QualifiedKind(e.Kind) != f.Kind {
		return false
	}
	if f.HasSource && e.Source != f.Source {
		return false
	}
	if f.TimeGTE != "" && e.Timestamp < f.TimeGTE {
		return false
	}
	if f.TimeLT != "" && e.Timestamp >= f.TimeLT {
		return false
	}
	if f.HasBody {
		// Only MessageEvents carry searchable text.
		if e.Kind != "MessageEvent" || !strings.Contains(e.text, strings.ToLower(f.Body)) {
			return false
		}
	}
	return true
}

// search walks the log from page_id (inclusive; an unknown id restarts
// from the natural start) and returns up to limit matches plus the id of
// the next match, which is the next page's page_id.
func (l *eventLog) search(pageID string, limit int, desc bool, f eventFilter) ([]*Event, string) {
	start := -1
	if pageID != "" {
		if i, ok := l.index[pageID]; ok {
			start = i
		}
	}
	step := 1
	if desc {
		step = -1
		if start < 0 {
			start = len(l.events) - 1
		}
	} else if start < 0 {
		start = 0
	}
	var items []*Event
	for i := start; i >= 0 && i < len(l.events); i += step {
		e := l.events[i]
		if !f.matches(e) {
			continue
		}
		if len(items) >= limit {
			return items, e.ID
		}
		items = append(items, e)
	}
	return items, ""
}

func (l *eventLog) count(f eventFilter) int {
	if !f.HasKind && !f.HasSource && !f.HasBody && f.TimeGTE == "" && f.TimeLT == "" {
		return len(l.events)
	}
	n := 0
	for _, e := range l.events {
		if f.matches(e) {
			n++
		}
	}
	return n
}

// since returns the events with timestamp >= ts from position from on,
// at most n of them, and the position after the last one examined.
func (l *eventLog) page(from, n int, ts string) ([]*Event, int) {
	var out []*Event
	i := from
	for ; i < len(l.events) && len(out) < n; i++ {
		if ts == "" || l.events[i].Timestamp >= ts {
			out = append(out, l.events[i])
		}
	}
	return out, i
}

package agentserver

// window decides whether an event is new, in bounded memory.
//
// The agent-server's log is append-only and in timestamp order (its own
// after_timestamp and timestamp__gte filters rely on that), and timestamps
// compare correctly as strings (the server compares them so too). The
// window remembers the ids of the last N events it accepted; everything at
// or before floor, the newest timestamp it has forgotten, is old: it was
// delivered before, or (after a tail start) belongs to older history that
// the pager serves. So a replay of the whole log (resend_all on old
// servers) costs one string comparison per old event, and memory stays
// N ids however long the conversation runs.
type window struct {
	ids   map[string]string // id → timestamp, for the last len(ring) accepted
	ring  []string          // accepted ids, oldest at next once full
	next  int
	full  bool
	floor string // events with ts <= floor are old unless remembered
	last  string // newest accepted timestamp: where a resume starts
}

func newWindow(n int) *window {
	return &window{ids: make(map[string]string, n), ring: make([]string, n)}
}

// accept reports whether the event is new and, if so, remembers it.
func (w *window) accept(id, ts string) bool {
	if _, seen := w.ids[id]; seen {
		return false
	}
	if w.floor != "" && ts <= w.floor {
		return false
	}
	if w.full {
		old := w.ring[w.next]
		if ots := w.ids[old]; ots > w.floor {
			w.floor = ots
		}
		delete(w.ids, old)
	}
	w.ring[w.next] = id
	w.ids[id] = ts
	w.next++
	if w.next == len(w.ring) {
		w.next, w.full = 0, true
	}
	if ts > w.last {
		w.last = ts
	}
	return true
}

// startAt declares that history before ts (inclusive, unless remembered)
// is not this stream's business: a tail start.
func (w *window) startAt(ts string) {
	if ts > w.floor {
		w.floor = ts
	}
}

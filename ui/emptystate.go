package ui

import (
	"fmt"

	"github.com/ohdash/ohdash/backend"
)

// emptyNote is what the sandboxes table says when it has no rows: an empty
// list is only "no sandboxes" when every source answered. A source that
// does not answer is named with its error (which says the address tried)
// and what to check, so a bad DOCKER_HOST never reads as "nothing here".
func (m Model) emptyNote() []string {
	var down, waiting, live []string
	var notes []string
	for _, src := range m.sources {
		s, ok := m.snaps[src]
		switch {
		case !ok || (s.Conn.Phase == backend.ConnConnecting && s.Conn.Err == nil):
			waiting = append(waiting, src)
		case s.Conn.Phase == backend.ConnLive || (s.Listed && s.Conn.Err == nil):
			live = append(live, src)
		default:
			down = append(down, src)
			what := "does not answer"
			switch s.Conn.Phase {
			case backend.ConnUnresponsive:
				what = "stopped answering (" + s.Conn.Describe(m.now()) + ")"
			case backend.ConnClosed:
				what = "is closed"
			}
			if s.Listed {
				what += "; the list is its last answer"
			}
			notes = append(notes, fmt.Sprintf("✗ %s %s", backend.CleanText(src), what))
			if s.Conn.Err != nil {
				notes = append(notes, "  error: "+backend.CleanText(s.Conn.Err.Error()))
			}
		}
	}
	if len(down) > 0 {
		return append(notes,
			"  check: that it runs (docker info) and that ohdash points at it: DOCKER_HOST, the docker context, host in [[docker]] or url in [[remote]] (ohdash config shows which)")
	}
	if len(waiting) > 0 && len(live) == 0 {
		return []string{"… connecting to " + joinNames(waiting)}
	}
	return []string{
		"no sandboxes yet on " + joinNames(live) + ".",
		"c creates one from the agent-server image; to try ohdash without OpenHands, quit and run: ohdash sim up (simulated sandboxes; ohdash sim down removes them)",
	}
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		switch {
		case i == 0:
		case i == len(names)-1:
			out += " and "
		default:
			out += ", "
		}
		out += backend.CleanText(n)
	}
	return out
}

// anySourceDown reports whether a source has failed to answer (as opposed
// to still connecting for the first time, or live).
func (m Model) anySourceDown() bool {
	for _, src := range m.sources {
		s, ok := m.snaps[src]
		if ok && s.Conn.Phase != backend.ConnLive && s.Conn.Err != nil {
			return true
		}
		if ok && s.Conn.Phase == backend.ConnUnresponsive {
			return true
		}
	}
	return false
}

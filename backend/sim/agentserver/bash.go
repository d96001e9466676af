package agentserver

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// The bash API (/api/bash, PROTOCOL.md §1.7): commands run in the
// background and record BashCommand and BashOutput events (orders from 0,
// the last output with the exit code), read back with a filtered, paged
// search. Events live in memory, in creation order.

// bashEvent is one BashCommand or BashOutput event.
type bashEvent struct {
	kind      string // "BashCommand" or "BashOutput"
	id        string
	at        time.Time
	commandID string // the command itself for a BashCommand
	command   string
	cwd       *string
	timeout   int
	order     int
	exitCode  *int
	stdout    *string
	stderr    *string
}

func (e bashEvent) obj() wire.Obj {
	o := wire.Obj{{K: "kind", V: e.kind}, {K: "id", V: e.id}, {K: "timestamp", V: wire.UTCISO(e.at)}}
	if e.kind == "BashCommand" {
		var cwd any
		if e.cwd != nil {
			cwd = *e.cwd
		}
		return append(o, wire.KV{K: "command", V: e.command}, wire.KV{K: "cwd", V: cwd}, wire.KV{K: "timeout", V: e.timeout})
	}
	var code, out, errs any
	if e.exitCode != nil {
		code = *e.exitCode
	}
	if e.stdout != nil {
		out = *e.stdout
	}
	if e.stderr != nil {
		errs = *e.stderr
	}
	return append(o, wire.KV{K: "command_id", V: e.commandID}, wire.KV{K: "order", V: e.order},
		wire.KV{K: "exit_code", V: code}, wire.KV{K: "stdout", V: out}, wire.KV{K: "stderr", V: errs})
}

// bashLog holds every bash event of a server.
type bashLog struct {
	mu     sync.Mutex
	events []bashEvent
}

func (l *bashLog) add(e bashEvent) {
	l.mu.Lock()
	l.events = append(l.events, e)
	l.mu.Unlock()
}

func (l *bashLog) snapshot() []bashEvent {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.events)
}

// bashRequest is ExecuteBashRequest.
type bashRequest struct {
	Command *string `json:"command"`
	Cwd     *string `json:"cwd"`
	Timeout *int    `json:"timeout"`
}

const (
	simBashTimeout = 300
	simBashCwd     = "/workspace"
)

// startBash records the command and runs it in the background.
func (s *Server) startBashCommand(w http.ResponseWriter, r *http.Request) {
	cmd, ok := s.newBashCommand(w, r)
	if !ok {
		return
	}
	s.runs.Add(1)
	go func() {
		defer s.runs.Done()
		s.runBash(s.ctx, cmd)
	}()
	wire.WriteJSON(w, http.StatusOK, cmd.obj())
}

// executeBashCommand runs the command and answers with one BashOutput
// holding all of its output and the exit code.
func (s *Server) executeBashCommand(w http.ResponseWriter, r *http.Request) {
	cmd, ok := s.newBashCommand(w, r)
	if !ok {
		return
	}
	last := s.runBash(r.Context(), cmd)
	wire.WriteJSON(w, http.StatusOK, last.obj())
}

func (s *Server) newBashCommand(w http.ResponseWriter, r *http.Request) (bashEvent, bool) {
	var req bashRequest
	if !wire.ReadJSON(w, r, &req, 1<<20) {
		return bashEvent{}, false
	}
	if req.Command == nil {
		wire.WriteValidation(w, wire.ValidationError("missing", []any{"body", "command"}, "Field required", nil))
		return bashEvent{}, false
	}
	timeout := simBashTimeout
	if req.Timeout != nil {
		timeout = *req.Timeout
	}
	id := wire.NewUUID()
	cmd := bashEvent{kind: "BashCommand", id: id, commandID: id, at: s.clock.Next(), command: *req.Command, cwd: req.Cwd, timeout: timeout}
	s.bash.add(cmd)
	s.notify()
	return cmd, true
}

// runBash plays the command, recording each piece of output as it comes
// and a last piece with the exit code; it returns the whole output as one
// event (what execute_bash_command answers).
func (s *Server) runBash(ctx context.Context, cmd bashEvent) bashEvent {
	ctx, cancel := context.WithTimeout(ctx, time.Duration(cmd.timeout)*time.Second)
	defer cancel()
	cwd := simBashCwd
	if cmd.cwd != nil && *cmd.cwd != "" {
		cwd = *cmd.cwd
	}
	order := 0
	var allOut, allErr string
	piece := func(out, errs string, code *int) {
		e := bashEvent{kind: "BashOutput", id: wire.NewUUID(), at: s.clock.Next(), commandID: cmd.id, order: order, exitCode: code}
		if out != "" {
			e.stdout = &out
		}
		if errs != "" {
			e.stderr = &errs
		}
		order++
		s.bash.add(e)
		s.notify()
	}
	sh := simShell{cwd: cwd, emit: func(out, errs string) {
		allOut += out
		allErr += errs
		piece(out, errs, nil)
	}}
	code := sh.run(ctx, cmd.command)
	if ctx.Err() != nil {
		code = -1 // killed at its timeout (or the server closed)
	}
	piece("", "", &code)
	whole := bashEvent{kind: "BashOutput", id: wire.NewUUID(), at: s.clock.Next(), commandID: cmd.id, exitCode: &code}
	whole.stdout, whole.stderr = &allOut, &allErr
	return whole
}

// searchBashEvents answers /api/bash/bash_events/search: filters
// kind__eq, command_id__eq, timestamp__gte, timestamp__lt; sort_order
// TIMESTAMP or TIMESTAMP_DESC; page_id is the id of the first event of
// the page.
func (s *Server) searchBashEvents(w http.ResponseWriter, r *http.Request) {
	r = s.stripIgnored(r)
	q := r.URL.Query()
	limit, ok := queryLimit(w, r)
	if !ok {
		return
	}
	var gte, lt time.Time
	for name, dst := range map[string]*time.Time{"timestamp__gte": &gte, "timestamp__lt": &lt} {
		if v := q.Get(name); v != "" {
			t, _, err := wire.ParseDatetime(v)
			if err != nil {
				wire.WriteValidation(w, wire.ValidationError("datetime_from_date_parsing", []any{"query", name}, "Input should be a valid datetime", v))
				return
			}
			*dst = t
		}
	}
	cid := ""
	if v := q.Get("command_id__eq"); v != "" {
		if cid, ok = wire.ParseUUID(v); !ok {
			wire.WriteValidation(w, wire.ValidationError("uuid_parsing", []any{"query", "command_id__eq"}, "Input should be a valid UUID", v))
			return
		}
	}
	kind := q.Get("kind__eq")
	var match []bashEvent
	for _, e := range s.bash.snapshot() {
		if (kind != "" && e.kind != kind) || (cid != "" && e.commandID != cid) ||
			(!gte.IsZero() && e.at.Before(gte)) || (!lt.IsZero() && !e.at.Before(lt)) {
			continue
		}
		match = append(match, e)
	}
	if q.Get("sort_order") == "TIMESTAMP_DESC" {
		slices.Reverse(match)
	}
	if p := q.Get("page_id"); p != "" {
		i := slices.IndexFunc(match, func(e bashEvent) bool { return e.id == p })
		if i < 0 {
			match = nil
		} else {
			match = match[i:]
		}
	}
	var next any
	if len(match) > limit {
		next = match[limit].id
		match = match[:limit]
	}
	items := make([]any, len(match))
	for i, e := range match {
		items[i] = e.obj()
	}
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "items", V: items}, {K: "next_page_id", V: next}})
}

// getBashEvent answers /api/bash/bash_events/{event_id}.
func (s *Server) getBashEvent(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("event_id")
	for _, e := range s.bash.snapshot() {
		if e.id == id {
			wire.WriteJSON(w, http.StatusOK, e.obj())
			return
		}
	}
	wire.WriteStatusDetail(w, http.StatusNotFound)
}

// BashCommands is how many bash commands the server was asked to run,
// for tests.
func (s *Server) BashCommands() int {
	n := 0
	for _, e := range s.bash.snapshot() {
		if e.kind == "BashCommand" {
			n++
		}
	}
	return n
}

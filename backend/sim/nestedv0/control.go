package nestedv0

import (
	"fmt"
	"net/http"
	"time"

	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/simctl"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// controlRoutes, key-protected like the API:
//
//	GET  /_sim/state      {"conversation_id", "status", "events", "pace", "faults"}
//	GET  /_sim/events     {"events": [...all event dicts...], "count": N}
//	POST /_sim/generate   {"count": N} → {"total": M}
//	POST /_sim/status     {"status": "ERROR"} sets the conversation status
//	GET|PUT /_sim/faults  faults.Config
//	GET|PUT /_sim/pace    {"pace": "250ms"}
func (s *Server) controlRoutes(mux *http.ServeMux) {
	h := func(pattern string, f http.HandlerFunc) { mux.Handle(pattern, s.requireKey(f)) }
	h("GET /_sim/state", func(w http.ResponseWriter, _ *http.Request) {
		s.mu.Lock()
		st := wire.Obj{{K: "conversation_id", V: s.id}, {K: "status", V: s.status}, {K: "events", V: len(s.events)}}
		s.mu.Unlock()
		st = append(st, wire.KV{K: "pace", V: s.Pace().String()}, wire.KV{K: "faults", V: s.faults.Config()})
		wire.WriteJSON(w, http.StatusOK, st)
	})
	h("GET /_sim/events", func(w http.ResponseWriter, _ *http.Request) {
		events := s.Events()
		items := make([]any, len(events))
		for i, e := range events {
			items[i] = wire.Raw(e)
		}
		wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "events", V: items}, {K: "count", V: len(items)}})
	})
	h("POST /_sim/generate", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Count int }
		if !readBody(w, r, &body) {
			return
		}
		if body.Count < 0 {
			wire.WriteDetail(w, http.StatusBadRequest, "count must not be negative")
			return
		}
		wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "total", V: s.Generate(body.Count)}})
	})
	h("POST /_sim/status", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ Status string }
		if !readBody(w, r, &body) {
			return
		}
		if err := s.SetStatus(body.Status); err != nil {
			wire.WriteDetail(w, http.StatusBadRequest, err.Error())
			return
		}
		w.WriteHeader(http.StatusNoContent)
	})
	for _, m := range []string{"GET", "PUT"} {
		mux.Handle(m+" /_sim/faults", s.requireKey(simctl.FaultsHandler(s.faults)))
		mux.Handle(m+" /_sim/pace", s.requireKey(simctl.PaceHandler(&s.pace)))
	}
}

// SetPace changes the pause between the scripted agent's steps.
func (s *Server) SetPace(d time.Duration) { s.pace.Set(d) }

// Pace returns the pause between the scripted agent's steps.
func (s *Server) Pace() time.Duration { return s.pace.Get() }

// SetFaults replaces the fault knobs.
func (s *Server) SetFaults(cfg faults.Config) error { return s.faults.Set(cfg) }

// SetStatus forces the conversation status (e.g. ERROR or ARCHIVED).
func (s *Server) SetStatus(status string) error {
	switch status {
	case StatusStarting, StatusRunning, StatusStopped, StatusArchived, StatusError:
	default:
		return fmt.Errorf("status %q: want STARTING, RUNNING, STOPPED, ARCHIVED or ERROR", status)
	}
	s.mu.Lock()
	s.status = status
	s.mu.Unlock()
	s.notify()
	return nil
}

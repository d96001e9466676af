package nestedv0

import (
	"fmt"
	"net/http"
	"time"

	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// ControlPrefix is where the simulator's own routes live.
const ControlPrefix = "/_sim/"

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
	h("GET /_sim/faults", func(w http.ResponseWriter, _ *http.Request) { wire.WriteJSON(w, http.StatusOK, s.faults.Config()) })
	h("PUT /_sim/faults", func(w http.ResponseWriter, r *http.Request) {
		var cfg faults.Config
		if !readBody(w, r, &cfg) {
			return
		}
		if err := s.faults.Set(cfg); err != nil {
			wire.WriteDetail(w, http.StatusBadRequest, err.Error())
			return
		}
		wire.WriteJSON(w, http.StatusOK, s.faults.Config())
	})
	pace := func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			var body struct{ Pace faults.Duration }
			if !readBody(w, r, &body) {
				return
			}
			if body.Pace < 0 {
				wire.WriteDetail(w, http.StatusBadRequest, "pace must not be negative")
				return
			}
			s.SetPace(time.Duration(body.Pace))
		}
		wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "pace", V: s.Pace().String()}})
	}
	h("GET /_sim/pace", pace)
	h("PUT /_sim/pace", pace)
}

// SetPace changes the pause between the scripted agent's steps.
func (s *Server) SetPace(d time.Duration) { s.pace.Store(int64(max(d, 0))) }

// Pace returns the pause between the scripted agent's steps.
func (s *Server) Pace() time.Duration { return time.Duration(s.pace.Load()) }

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

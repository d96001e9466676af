package agentserver

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/simctl"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// controlRoutes are the simulator's own routes under /_sim/, protected by
// the same session keys, for tests that run the emulator in a container:
//
//	GET  /_sim/state                              version, knobs, conversations
//	POST /_sim/conversations                      SeedSpec → 201 {"id", "info"}
//	POST /_sim/conversations/{id}/generate        {"count": N} → {"appended", "total"}
//	GET  /_sim/conversations/{id}/events          {"items": [...], "count": N} (all stored events)
//	GET  /_sim/conversations/{id}/wait?status=S&timeout=10s   204 when reached, 408 on timeout
//	POST /_sim/conversations/{id}/inactive        {"inactive": bool}
//	POST /_sim/conversations/{id}/drop_sockets    cut its websockets
//	POST /_sim/drop_sockets                       cut every websocket
//	GET|PUT /_sim/faults                          faults.Config
//	GET|PUT /_sim/pace                            {"pace": "250ms"}
//	GET|PUT /_sim/content                         {"hostile": bool, "oversized_bytes": N}
func (s *Server) controlRoutes(mux *http.ServeMux) {
	h := func(pattern string, f http.HandlerFunc) { mux.Handle(pattern, s.requireKey(f)) }
	h("GET /_sim/state", s.ctlState)
	h("POST /_sim/conversations", s.ctlSeed)
	h("POST /_sim/conversations/{id}/generate", s.ctlGenerate)
	h("GET /_sim/conversations/{id}/events", s.ctlEvents)
	h("GET /_sim/conversations/{id}/wait", s.ctlWait)
	h("POST /_sim/conversations/{id}/inactive", s.ctlInactive)
	h("POST /_sim/conversations/{id}/drop_sockets", s.ctlDropSockets)
	h("POST /_sim/drop_sockets", s.ctlDropSockets)
	mux.Handle("GET /_sim/faults", s.requireKey(simctl.FaultsHandler(s.faults)))
	mux.Handle("PUT /_sim/faults", s.requireKey(simctl.FaultsHandler(s.faults)))
	mux.Handle("GET /_sim/pace", s.requireKey(simctl.PaceHandler(&s.pace)))
	mux.Handle("PUT /_sim/pace", s.requireKey(simctl.PaceHandler(&s.pace)))
	h("GET /_sim/content", func(w http.ResponseWriter, _ *http.Request) { wire.WriteJSON(w, http.StatusOK, s.Content()) })
	h("PUT /_sim/content", s.ctlSetContent)
	h("GET /_sim/variant", func(w http.ResponseWriter, _ *http.Request) { wire.WriteJSON(w, http.StatusOK, s.Variant()) })
	h("PUT /_sim/variant", s.ctlSetVariant)
}

// ctlError maps a driver error to a status and {"detail": …}.
func ctlError(w http.ResponseWriter, err error) {
	status := http.StatusBadRequest
	switch {
	case errors.Is(err, backend.ErrNotFound):
		status = http.StatusNotFound
	case errors.Is(err, backend.ErrConflict):
		status = http.StatusConflict
	}
	wire.WriteDetail(w, status, err.Error())
}

func (s *Server) ctlState(w http.ResponseWriter, _ *http.Request) {
	convs := []any{}
	for _, rec := range s.records() {
		rec.c.mu.Lock()
		convs = append(convs, wire.Obj{
			{K: "id", V: rec.c.id},
			{K: "execution_status", V: rec.c.status},
			{K: "events", V: len(rec.c.log.events)},
			{K: "subscribers", V: rec.c.hub.len()},
		})
		rec.c.mu.Unlock()
	}
	wire.WriteJSON(w, http.StatusOK, wire.Obj{
		{K: "version", V: s.version.String()},
		{K: "pace", V: s.Pace().String()},
		{K: "faults", V: s.Faults()},
		{K: "content", V: s.Content()},
		{K: "conversations", V: convs},
	})
}

func (s *Server) ctlSeed(w http.ResponseWriter, r *http.Request) {
	var spec SeedSpec
	if !readJSON(w, r, &spec) {
		return
	}
	id, err := s.Seed(spec)
	if err != nil {
		ctlError(w, err)
		return
	}
	info, _ := s.Info(id)
	wire.WriteJSON(w, http.StatusCreated, wire.Obj{{K: "id", V: id}, {K: "info", V: wire.Raw(info)}})
}

func (s *Server) ctlGenerate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Count int `json:"count"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if body.Count < 0 {
		wire.WriteDetail(w, http.StatusBadRequest, "count must not be negative")
		return
	}
	total, err := s.Generate(r.PathValue("id"), body.Count)
	if err != nil {
		ctlError(w, err)
		return
	}
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "appended", V: body.Count}, {K: "total", V: total}})
}

func (s *Server) ctlEvents(w http.ResponseWriter, r *http.Request) {
	events, err := s.Events(r.PathValue("id"))
	if err != nil {
		ctlError(w, err)
		return
	}
	items := make([]any, len(events))
	for i, e := range events {
		items[i] = wire.Raw(e)
	}
	wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "items", V: items}, {K: "count", V: len(items)}})
}

func (s *Server) ctlWait(w http.ResponseWriter, r *http.Request) {
	status := r.URL.Query().Get("status")
	if !validStatus(status) {
		wire.WriteDetail(w, http.StatusBadRequest, "status must be an execution status")
		return
	}
	timeout := 10 * time.Second
	if v := r.URL.Query().Get("timeout"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			wire.WriteDetail(w, http.StatusBadRequest, "timeout must be a positive Go duration")
			return
		}
		timeout = d
	}
	ctx, cancel := context.WithTimeout(r.Context(), timeout)
	defer cancel()
	err := s.WaitStatus(ctx, r.PathValue("id"), status)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		got, _ := s.Status(r.PathValue("id"))
		wire.WriteDetail(w, http.StatusRequestTimeout, "status is "+got)
	case err != nil:
		ctlError(w, err)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) ctlInactive(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Inactive bool `json:"inactive"`
	}
	if !readJSON(w, r, &body) {
		return
	}
	if err := s.SetInactive(r.PathValue("id"), body.Inactive); err != nil {
		ctlError(w, err)
		return
	}
	writeSuccess(w, true)
}

func (s *Server) ctlDropSockets(w http.ResponseWriter, r *http.Request) {
	if err := s.DropSockets(r.PathValue("id")); err != nil {
		ctlError(w, err)
		return
	}
	writeSuccess(w, true)
}

func (s *Server) ctlSetContent(w http.ResponseWriter, r *http.Request) {
	var c Content
	if !readJSON(w, r, &c) {
		return
	}
	if err := s.SetContent(c); err != nil {
		wire.WriteDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	wire.WriteJSON(w, http.StatusOK, s.Content())
}

func (s *Server) ctlSetVariant(w http.ResponseWriter, r *http.Request) {
	var v Variant
	if !readJSON(w, r, &v) {
		return
	}
	if err := s.SetVariant(v); err != nil {
		wire.WriteDetail(w, http.StatusBadRequest, err.Error())
		return
	}
	wire.WriteJSON(w, http.StatusOK, s.Variant())
}

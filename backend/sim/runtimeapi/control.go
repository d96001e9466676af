package runtimeapi

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"
)

// ErrUnknownSession is returned by control methods for a session id the
// simulator does not know.
var ErrUnknownSession = errors.New("runtimeapi: unknown session")

const idAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

func randomString(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = idAlphabet[rng.IntN(len(idAlphabet))]
	}
	return string(b)
}

// startRuntime creates a runtime, or returns the live one of the same
// session: /start is idempotent per session, so a client retrying a start
// whose answer it lost does not get a second runtime.
func (s *Sim) startRuntime(req StartRequest) *runtime {
	var b Behavior
	if s.cfg.OnStart != nil {
		b = s.cfg.OnStart(req)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	if rt := s.bySession[req.SessionID]; rt != nil && rt.state != stateStopped {
		return rt
	}
	return s.addLocked(req, b, now)
}

func (s *Sim) addLocked(req StartRequest, b Behavior, now time.Time) *runtime {
	if old := s.bySession[req.SessionID]; old != nil {
		delete(s.byID, old.id)
	}
	rt := &runtime{
		id:         "rt-" + randomString(s.rng, 12),
		session:    req.SessionID,
		key:        randomString(s.rng, 32),
		req:        req,
		behavior:   b,
		created:    now,
		phaseStart: now,
	}
	if b.CrashLoop {
		rt.restartReasons = []string{"CrashLoopBackOff"}
	}
	s.bySession[rt.session] = rt
	s.byID[rt.id] = rt
	s.images[req.Image] = true
	return rt
}

func (s *Sim) stopLocked(rt *runtime, now time.Time) {
	if rt.state != stateStopped {
		rt.state, rt.stateAt = stateStopped, now
	}
}

func (s *Sim) pauseLocked(rt *runtime, now time.Time) {
	if rt.state == stateActive {
		rt.state, rt.stateAt = statePaused, now
	}
}

func (s *Sim) resumeLocked(rt *runtime, now time.Time) {
	if rt.state != statePaused {
		return
	}
	rt.state, rt.phaseStart = stateActive, now
	if s.cfg.RotateKeyOnResume {
		rt.key = randomString(s.rng, 32)
		rt.handler = nil
	}
}

// withSession runs fn on a session's runtime under the lock.
func (s *Sim) withSession(sessionID string, fn func(*runtime, time.Time)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.bySession[sessionID]
	now := s.cfg.Now()
	if rt == nil || rt.forgotten(now, &s.cfg) {
		return fmt.Errorf("%w: %s", ErrUnknownSession, sessionID)
	}
	fn(rt, now)
	return nil
}

// Pause pauses a session's runtime, as if another client had.
func (s *Sim) Pause(sessionID string) error { return s.withSession(sessionID, s.pauseLocked) }

// Resume resumes a paused runtime; it goes through pending and running again.
func (s *Sim) Resume(sessionID string) error { return s.withSession(sessionID, s.resumeLocked) }

// Stop stops a runtime, as the hosted API does to idle ones.
func (s *Sim) Stop(sessionID string) error { return s.withSession(sessionID, s.stopLocked) }

// Restart records a container restart with its reason ("OOMKilled") and
// sends the pod through pending and running again.
func (s *Sim) Restart(sessionID, reason string) error {
	return s.withSession(sessionID, func(rt *runtime, now time.Time) {
		rt.restartReasons = append(rt.restartReasons, reason)
		rt.phaseStart = now
	})
}

// SetCrashLoop puts a runtime's pod into crashloopbackoff, or takes it out.
func (s *Sim) SetCrashLoop(sessionID string, on bool) error {
	return s.withSession(sessionID, func(rt *runtime, now time.Time) {
		if on && !rt.behavior.CrashLoop {
			rt.restartReasons = append(rt.restartReasons, "CrashLoopBackOff")
		}
		rt.behavior.CrashLoop = on
		if !on {
			rt.phaseStart = now
		}
	})
}

// SetNeverReady keeps a runtime's pod from ever becoming ready (or lets it).
func (s *Sim) SetNeverReady(sessionID string, on bool) error {
	return s.withSession(sessionID, func(rt *runtime, _ time.Time) { rt.behavior.NeverReady = on })
}

// SetURLStatus makes a runtime's own URL answer every request with code
// (503 for "paused behind the ingress"); 0 restores normal service.
func (s *Sim) SetURLStatus(sessionID string, code int) error {
	return s.withSession(sessionID, func(rt *runtime, _ time.Time) { rt.urlStatus = code })
}

// Runtime returns what the API would report for a session now; URLs are
// relative to PublicURL (or "http://sim.invalid" when unset).
func (s *Sim) Runtime(sessionID string) (RuntimeInfo, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	rt := s.bySession[sessionID]
	if rt == nil || rt.forgotten(now, &s.cfg) {
		return RuntimeInfo{}, false
	}
	return rt.info(now, &s.cfg, s.goBase()), true
}

// StartRequest returns the /start request that created a session's
// runtime, so tests can check what a client sent.
func (s *Sim) StartRequest(sessionID string) (StartRequest, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	rt := s.bySession[sessionID]
	if rt == nil {
		return StartRequest{}, false
	}
	return rt.req, true
}

// Len is the number of runtimes the simulator still knows.
func (s *Sim) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	now := s.cfg.Now()
	for _, rt := range s.byID {
		if !rt.forgotten(now, &s.cfg) {
			n++
		}
	}
	return n
}

// goBase is the URL base for answers given outside any request.
func (s *Sim) goBase() publicBase {
	if b, ok := parseBase(s.cfg.PublicURL); ok {
		return b
	}
	return publicBase{scheme: "http", host: "sim.invalid"}
}

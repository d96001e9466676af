package runtimeapi

import (
	"fmt"
	"time"
)

// Mix is the share of each state among seeded runtimes; shares are
// relative weights, the rest of the runtimes are ready.
type Mix struct {
	Starting, Paused, Stopped, CrashLoop float64
}

// Seed adds n runtimes that were started in the past, in the proportions
// of mix, and returns their session ids in creation order. With the same
// Config.Seed, the same call gives the same runtimes. Stopped runtimes
// were stopped long ago, so they are already out of /list.
func (s *Sim) Seed(n int, mix Mix) []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	long := s.cfg.PendingFor + s.cfg.ReadyAfter + s.cfg.ListStoppedFor + time.Hour
	ids := make([]string, 0, n)
	for i := range n {
		req := StartRequest{
			Image:          "ghcr.io/openhands/agent-server:4e2ecd8-python",
			Command:        Command{"/usr/local/bin/openhands-agent-server", "--port", "60000"},
			WorkingDir:     "/workspace",
			SessionID:      fmt.Sprintf("seed%06d%s", i, randomString(s.rng, 10)),
			ResourceFactor: 1,
		}
		rt := s.addLocked(req, Behavior{}, now.Add(-long))
		switch x := s.rng.Float64() * max(1, mix.total()); {
		case x < mix.Starting:
			rt.phaseStart = now
		case x < mix.Starting+mix.Paused:
			rt.state, rt.stateAt = statePaused, now.Add(-time.Minute)
		case x < mix.Starting+mix.Paused+mix.Stopped:
			rt.state, rt.stateAt = stateStopped, now.Add(-long)
			// Out of /list, but not yet forgotten by /sessions.
			if s.cfg.ForgetStoppedAfter > 0 {
				rt.stateAt = now.Add(-min(long, s.cfg.ForgetStoppedAfter/2))
			}
		case x < mix.total():
			rt.behavior.CrashLoop = true
			rt.restartReasons = []string{"OOMKilled", "CrashLoopBackOff"}
		}
		ids = append(ids, rt.session)
	}
	return ids
}

func (m Mix) total() float64 { return m.Starting + m.Paused + m.Stopped + m.CrashLoop }

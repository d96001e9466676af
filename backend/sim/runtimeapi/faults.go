package runtimeapi

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"time"
)

// maxHang bounds a hang that waits for the client to give up.
const maxHang = 2 * time.Minute

// fault is what one request suffers, drawn from the Faults.
type fault struct {
	latency   time.Duration
	hang      bool
	hangFor   time.Duration
	status    int
	malformed bool
	reset     bool
	short     bool
}

// SetFaults replaces the injected faults; the zero Faults switches them off.
func (s *Sim) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = f
}

// RateLimit answers the next n API requests with 429 and a Retry-After of
// retryAfter (rounded up to whole seconds, as the header carries seconds).
func (s *Sim) RateLimit(n int, retryAfter time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.rateLimited, s.retryAfter = n, retryAfter
}

// SetBatchRoute switches GET /sessions/batch on or off. Off, the API
// answers it like an older server would: 404, taking "batch" for a
// session id.
func (s *Sim) SetBatchRoute(enabled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noBatch = !enabled
}

// drawFault decides what happens to one request on route. A positive wait
// means "answer 429 with this Retry-After".
func (s *Sim) drawFault(route string) (f fault, wait time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.rateLimited > 0 {
		s.rateLimited--
		return f, max(s.retryAfter, time.Second)
	}
	cfg := s.faults
	if len(cfg.Routes) > 0 && !slices.Contains(cfg.Routes, route) {
		return f, 0
	}
	f.latency = cfg.Latency
	if cfg.HangRate > 0 && s.rng.Float64() < cfg.HangRate {
		f.hang, f.hangFor = true, cfg.HangFor
	}
	if cfg.ErrorRate > 0 && s.rng.Float64() < cfg.ErrorRate {
		f.status = cfg.ErrorStatus
		if f.status == 0 {
			f.status = http.StatusInternalServerError
		}
	}
	if cfg.MalformedRate > 0 && s.rng.Float64() < cfg.MalformedRate {
		f.malformed = true
	}
	if cfg.ResetRate > 0 && s.rng.Float64() < cfg.ResetRate {
		f.reset = true
	}
	if cfg.ShortBodyRate > 0 && s.rng.Float64() < cfg.ShortBodyRate {
		f.short = true
	}
	return f, 0
}

// reset drops the connection with a TCP RST and no answer: SO_LINGER 0
// makes close send RST instead of FIN.
func reset(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	if tc, ok := conn.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = conn.Close()
}

// shortBody answers 200 announcing all of body's length but sends only
// half of it, then closes the connection.
func shortBody(w http.ResponseWriter, status int, body []byte) {
	conn, buf, err := http.NewResponseController(w).Hijack()
	if err != nil {
		return
	}
	defer conn.Close()
	fmt.Fprintf(buf, "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", status, http.StatusText(status), len(body))
	_, _ = buf.Write(body[:len(body)/2])
	_ = buf.Flush()
}

// delay applies latency and hangs; it reports false when the client gave
// up meanwhile (nothing more should be written).
func (s *Sim) delay(r *http.Request, f fault) bool {
	wait := f.latency
	if f.hang {
		hang := f.hangFor
		if hang == 0 {
			// "Until the client gives up", bounded so a careless client
			// cannot keep a test server from shutting down for ever.
			hang = maxHang
		}
		wait += hang
	}
	if wait <= 0 {
		return true
	}
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Package faults injects the failures a client of a remote server must
// survive: slow answers, no answer at all, 5xx errors, websockets that drop
// after a while or at random, and malformed frames. One Injector belongs to
// one simulated server; its Config can be changed at any time (from a test,
// or through the simulator's control routes) and takes effect on the next
// request or frame.
package faults

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Config is the set of fault knobs. The zero value injects nothing.
type Config struct {
	// Latency delays every HTTP answer (and websocket handshake).
	Latency Duration `json:"latency"`
	// Hang makes every request wait, unanswered, until the client gives up
	// (its context ends).
	Hang bool `json:"hang"`
	// ErrorRate is the probability (0..1) that a request is answered with a
	// 500 in the server's unhandled-exception shape.
	ErrorRate float64 `json:"error_rate"`
	// WSDropAfter cuts every websocket this long after it opened, without
	// a close frame (as a dead proxy or a killed container would).
	WSDropAfter Duration `json:"ws_drop_after"`
	// WSDropRate is the probability (0..1) that a websocket is cut just
	// before a frame is sent.
	WSDropRate float64 `json:"ws_drop_rate"`
	// MalformedEvery sends a text frame that is not valid JSON before every
	// Nth websocket frame (0: never). The real frame follows it, so nothing
	// is lost: a client must skip the garbage and carry on.
	MalformedEvery int `json:"malformed_every"`
}

// Validate checks the ranges of the knobs.
func (c Config) Validate() error {
	switch {
	case c.Latency < 0 || c.WSDropAfter < 0:
		return fmt.Errorf("durations must not be negative")
	case c.ErrorRate < 0 || c.ErrorRate > 1:
		return fmt.Errorf("error_rate %v is outside 0..1", c.ErrorRate)
	case c.WSDropRate < 0 || c.WSDropRate > 1:
		return fmt.Errorf("ws_drop_rate %v is outside 0..1", c.WSDropRate)
	case c.MalformedEvery < 0:
		return fmt.Errorf("malformed_every must not be negative")
	}
	return nil
}

// Injector applies a Config. It is safe for concurrent use.
type Injector struct {
	mu     sync.Mutex
	cfg    Config
	rnd    *rand.Rand
	frames int
}

// New returns an injector with the given starting config.
func New(cfg Config) *Injector {
	return &Injector{cfg: cfg, rnd: rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))}
}

// Config returns the current knobs.
func (f *Injector) Config() Config {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.cfg
}

// Set replaces the knobs after validating them.
func (f *Injector) Set(cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	f.mu.Lock()
	f.cfg = cfg
	f.frames = 0
	f.mu.Unlock()
	return nil
}

func (f *Injector) chance(p float64) bool {
	return p > 0 && f.rnd.Float64() < p
}

// Middleware applies latency, hangs and the error rate to every request
// that reaches next.
func (f *Injector) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		cfg := f.cfg
		fail := f.chance(cfg.ErrorRate)
		f.mu.Unlock()
		if cfg.Hang {
			<-r.Context().Done()
			return
		}
		if cfg.Latency > 0 {
			t := time.NewTimer(time.Duration(cfg.Latency))
			select {
			case <-r.Context().Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
		if fail {
			wire.WriteInternalError(w, "simulated fault")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// FrameFault is what to do before sending one websocket frame.
type FrameFault struct {
	Drop      bool // cut the connection instead of sending
	Malformed bool // send a malformed frame first
}

// NextFrame decides the fault for the next websocket frame.
func (f *Injector) NextFrame() FrameFault {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.frames++
	return FrameFault{
		Drop:      f.chance(f.cfg.WSDropRate),
		Malformed: f.cfg.MalformedEvery > 0 && f.frames%f.cfg.MalformedEvery == 0,
	}
}

// DropAfter returns how long a new websocket may live (0: forever).
func (f *Injector) DropAfter() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return time.Duration(f.cfg.WSDropAfter)
}

// MalformedFrame is the garbage text frame sent by MalformedEvery: a
// truncated event object.
const MalformedFrame = `{"kind":"MessageEvent","id":"truncated-`

// Duration is a time.Duration that reads from JSON as a Go duration
// string ("250ms") or a number of seconds, and writes as a string.
type Duration time.Duration

// MarshalJSON writes the duration as a Go duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON accepts "1.5s", "250ms" or a number of seconds.
func (d *Duration) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if strings.HasPrefix(s, `"`) {
		var str string
		if err := json.Unmarshal(b, &str); err != nil {
			return err
		}
		v, err := time.ParseDuration(str)
		if err != nil {
			return fmt.Errorf("duration %q: %w", str, err)
		}
		*d = Duration(v)
		return nil
	}
	var secs float64
	if err := json.Unmarshal(b, &secs); err != nil {
		return fmt.Errorf("duration %s: want a string like \"250ms\" or seconds: %w", s, err)
	}
	*d = Duration(secs * float64(time.Second))
	return nil
}

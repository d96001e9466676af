// Package simctl holds what every simulator in backend/sim shares for its
// /_sim/ control surface: the pace of a scripted agent, and the handlers
// that read and change the pace and the fault knobs.
package simctl

import (
	"context"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Prefix is where control routes live: not an OpenHands path, so no
// client can mistake it for the real API.
const Prefix = "/_sim/"

// maxBody bounds control request bodies.
const maxBody = 1 << 20

// Pace is the pause between a scripted agent's steps, changeable at any
// time. The zero value is no pause.
type Pace struct{ d atomic.Int64 }

// Set changes the pause; negative values count as zero.
func (p *Pace) Set(d time.Duration) { p.d.Store(int64(max(d, 0))) }

// Get returns the pause.
func (p *Pace) Get() time.Duration { return time.Duration(p.d.Load()) }

// Sleep waits one pause; false when ctx ended first.
func (p *Pace) Sleep(ctx context.Context) bool {
	d := p.Get()
	if d <= 0 {
		return ctx.Err() == nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
		return true
	}
}

// PaceHandler serves GET and PUT {"pace": "250ms"} (or seconds).
func PaceHandler(p *Pace) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			var body struct {
				Pace faults.Duration `json:"pace"`
			}
			if !wire.ReadJSON(w, r, &body, maxBody) {
				return
			}
			if body.Pace < 0 {
				wire.WriteDetail(w, http.StatusBadRequest, "pace must not be negative")
				return
			}
			p.Set(time.Duration(body.Pace))
		}
		wire.WriteJSON(w, http.StatusOK, wire.Obj{{K: "pace", V: p.Get().String()}})
	})
}

// FaultsHandler serves GET and PUT of a faults.Config.
func FaultsHandler(f *faults.Injector) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			var cfg faults.Config
			if !wire.ReadJSON(w, r, &cfg, maxBody) {
				return
			}
			if err := f.Set(cfg); err != nil {
				wire.WriteDetail(w, http.StatusBadRequest, err.Error())
				return
			}
		}
		wire.WriteJSON(w, http.StatusOK, f.Config())
	})
}

// Faulty applies the injector to every request except the control routes,
// which stay reliable so a test can always switch the faults off again.
func Faulty(f *faults.Injector, next http.Handler) http.Handler {
	faulty := f.Middleware(next)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, Prefix) {
			next.ServeHTTP(w, r)
			return
		}
		faulty.ServeHTTP(w, r)
	})
}

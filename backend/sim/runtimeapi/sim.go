package runtimeapi

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Sim is a runtime API simulator. It is safe for concurrent use; create it
// with New and serve it with any http.Server (or httptest.NewServer).
type Sim struct {
	cfg Config
	mux *http.ServeMux

	mu        sync.Mutex
	bySession map[string]*runtime
	byID      map[string]*runtime
	rng       *rand.Rand
	faults    Faults
	// rateLimited is how many more API requests get 429.
	rateLimited int
	retryAfter  time.Duration
	noBatch     bool
	images      map[string]bool

	counts sync.Map // route → *atomic.Int64
}

// New returns a simulator for cfg.
func New(cfg Config) *Sim {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Runtime == nil {
		cfg.Runtime = DefaultRuntimeHandler
	}
	if cfg.RegistryPrefix == "" {
		cfg.RegistryPrefix = "registry.sim.invalid/openhands"
	}
	seed1, seed2 := cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15
	if cfg.Seed == 0 {
		seed1, seed2 = rand.Uint64(), rand.Uint64()
	}
	s := &Sim{
		cfg:       cfg,
		mux:       http.NewServeMux(),
		bySession: map[string]*runtime{},
		byID:      map[string]*runtime{},
		rng:       rand.New(rand.NewPCG(seed1, seed2)),
		images:    map[string]bool{},
	}
	s.routes()
	return s
}

// ServeHTTP routes a request to a runtime's URL (by Host label or first
// path segment) or to the API.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.serveRuntimeURL(w, r) {
		return
	}
	s.mux.ServeHTTP(w, r)
}

// Count returns how many requests a route (a Route* constant) received.
func (s *Sim) Count(route string) int64 {
	if c, ok := s.counts.Load(route); ok {
		return c.(*atomic.Int64).Load()
	}
	return 0
}

// Counts returns every route's request count.
func (s *Sim) Counts() map[string]int64 {
	out := map[string]int64{}
	s.counts.Range(func(k, v any) bool {
		out[k.(string)] = v.(*atomic.Int64).Load()
		return true
	})
	return out
}

// APICalls is the number of requests to API routes (runtime URLs excluded).
func (s *Sim) APICalls() int64 {
	var n int64
	for route, c := range s.Counts() {
		if route != RouteRuntimeURL {
			n += c
		}
	}
	return n
}

// ResetCounts zeroes every counter.
func (s *Sim) ResetCounts() {
	s.counts.Range(func(k, _ any) bool {
		s.counts.Delete(k)
		return true
	})
}

func (s *Sim) count(route string) {
	c, _ := s.counts.LoadOrStore(route, new(atomic.Int64))
	c.(*atomic.Int64).Add(1)
}

// base is where this request's runtime URLs point.
func (s *Sim) base(r *http.Request) publicBase {
	if b, ok := parseBase(s.cfg.PublicURL); ok {
		return b
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return publicBase{scheme: scheme, host: r.Host}
}

// runtimeFor finds the runtime a request addresses, by the first label of
// its Host ("<id>", "vscode-<id>", "work-1-<id>") or the first segment of
// its path. service names the non-agent service addressed ("" for the
// agent-server), and prefix is the path prefix to strip.
func (s *Sim) runtimeFor(r *http.Request) (rt *runtime, service, prefix string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	host := r.Host
	if i := strings.IndexByte(host, '.'); i > 0 {
		label := host[:i]
		for _, svc := range []string{"", "vscode", "work-1", "work-2"} {
			id := label
			if svc != "" {
				id = strings.TrimPrefix(label, svc+"-")
				if id == label {
					continue
				}
			}
			if rt := s.byID[id]; rt != nil {
				return rt, svc, ""
			}
		}
	}
	first, rest, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if rt := s.byID[first]; rt != nil {
		prefix = "/" + first
		for _, svc := range []string{"vscode", "work-1", "work-2"} {
			if rest == svc || strings.HasPrefix(rest, svc+"/") {
				return rt, svc, prefix + "/" + svc
			}
		}
		return rt, "", prefix
	}
	return nil, "", ""
}

func parseBase(raw string) (publicBase, bool) {
	if raw == "" {
		return publicBase{}, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return publicBase{}, false
	}
	return publicBase{scheme: u.Scheme, host: u.Host}, true
}

package appserver

import (
	"crypto/subtle"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// Config shapes a simulated app-server. The zero value has auth off and
// moves start tasks and new sandboxes along without delay.
type Config struct {
	// APIKey is the key every /api/v1 call must carry (Bearer,
	// X-Session-API-Key or X-Access-Token); empty switches auth off, as on
	// a self-hosted app-server without SESSION_API_KEY.
	APIKey string
	// PublicURL is the base URL the sandboxes' agent-server URLs are built
	// on; Start sets it to the listener's address.
	PublicURL string
	// StepDelay is how long a start task stays in each status.
	StepDelay time.Duration
	// StartDelay is how long a new or resumed sandbox stays STARTING.
	StartDelay time.Duration
	// Pace is the scripted agents' pause between steps.
	Pace time.Duration
	// Now is the clock (default time.Now).
	Now func() time.Time
	// Seed makes generated ids reproducible (0: random).
	Seed uint64
}

// Route names for request counts.
const (
	RouteSandboxSearch = "sandboxes/search"
	RouteSandboxBatch  = "sandboxes"
	RouteSandboxAction = "sandboxes/action"
	RouteSpecSearch    = "sandbox-specs/search"
	RouteSpecBatch     = "sandbox-specs"
	RouteConvSearch    = "app-conversations/search"
	RouteConvCount     = "app-conversations/count"
	RouteConvBatch     = "app-conversations"
	RouteConvStart     = "app-conversations/start"
	RouteTaskSearch    = "start-tasks/search"
	RouteTaskBatch     = "start-tasks"
	RouteAgent         = "agent"
)

// Sim is a simulated app-server; it is an http.Handler and safe for
// concurrent use.
type Sim struct {
	cfg Config
	mux *http.ServeMux

	mu        sync.Mutex
	rng       *rand.Rand
	sandboxes map[string]*sandbox
	specs     []spec
	convs     map[string]*conv // by 32-hex id
	tasks     map[string]*task // by 32-hex id
	taskOrder []*task
	failRepos map[string]string
	down      int // HTTP status every API call answers with, 0: none
	closed    bool

	apiCalls atomic.Int64
	counts   sync.Map // route → *atomic.Int64
	wg       sync.WaitGroup
	stop     chan struct{}
}

// New returns a simulator with the default sandbox spec and no sandboxes.
func New(cfg Config) *Sim {
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s1, s2 := cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15
	if cfg.Seed == 0 {
		s1, s2 = rand.Uint64(), rand.Uint64()
	}
	s := &Sim{
		cfg: cfg, mux: http.NewServeMux(), rng: rand.New(rand.NewPCG(s1, s2)),
		sandboxes: map[string]*sandbox{}, convs: map[string]*conv{}, tasks: map[string]*task{},
		failRepos: map[string]string{}, stop: make(chan struct{}),
	}
	s.specs = defaultSpecs(cfg.Now())
	s.routes()
	return s
}

// SetPublicURL sets the base of the agent-server URLs (Start calls it).
func (s *Sim) SetPublicURL(u string) {
	s.mu.Lock()
	s.cfg.PublicURL = strings.TrimRight(u, "/")
	s.mu.Unlock()
}

// ServeHTTP serves /api/v1 and the sandboxes' agent-servers.
func (s *Sim) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/agent/") {
		s.serveAgent(w, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, "/api/v1/") {
		s.apiCalls.Add(1)
		s.mu.Lock()
		down := s.down
		s.mu.Unlock()
		if down != 0 {
			wire.WriteStatusDetail(w, down)
			return
		}
		if !s.authorized(r) {
			wire.WriteStatusDetail(w, http.StatusUnauthorized)
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// authorized checks the key the way Cloud and a self-hosted app-server
// with SESSION_API_KEY do (see the package doc).
func (s *Sim) authorized(r *http.Request) bool {
	if s.cfg.APIKey == "" {
		return true
	}
	var got string
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		got = strings.TrimPrefix(h, "Bearer ")
	} else if h := r.Header.Get(wire.SessionKeyHeader); h != "" {
		got = h
	} else {
		got = r.Header.Get("X-Access-Token")
	}
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.cfg.APIKey)) == 1
}

// SetDown makes every /api/v1 call answer status (503 for an app-server
// that is down behind its proxy); 0 brings it back. The agent-servers
// keep answering.
func (s *Sim) SetDown(status int) {
	s.mu.Lock()
	s.down = status
	s.mu.Unlock()
}

// FailRepository makes start tasks for repo end in ERROR with detail.
func (s *Sim) FailRepository(repo, detail string) {
	s.mu.Lock()
	s.failRepos[repo] = detail
	s.mu.Unlock()
}

func (s *Sim) count(route string) {
	c, _ := s.counts.LoadOrStore(route, new(atomic.Int64))
	c.(*atomic.Int64).Add(1)
}

// Count returns how many requests a route (a Route* constant) received.
func (s *Sim) Count(route string) int64 {
	if c, ok := s.counts.Load(route); ok {
		return c.(*atomic.Int64).Load()
	}
	return 0
}

// APICalls counts every /api/v1 request, answered or refused.
func (s *Sim) APICalls() int64 { return s.apiCalls.Load() }

// Close stops the start tasks under way and every agent-server emulator.
func (s *Sim) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.stop)
	var agents []*agentserver.Server
	for _, sb := range s.sandboxes {
		if sb.agent != nil {
			agents = append(agents, sb.agent)
		}
	}
	s.mu.Unlock()
	s.wg.Wait()
	for _, a := range agents {
		a.Close()
	}
}

// randomID returns n base62 characters, like upstream's base62 ids.
func (s *Sim) randomIDLocked(n int) string {
	const alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[s.rng.IntN(len(alphabet))]
	}
	return string(b)
}

// randomHexLocked returns a random 32-hex id (uuid4().hex).
func (s *Sim) randomHexLocked() string {
	const digits = "0123456789abcdef"
	b := make([]byte, 32)
	for i := range b {
		b[i] = digits[s.rng.IntN(16)]
	}
	b[12] = '4'
	b[16] = digits[8+s.rng.IntN(4)]
	return string(b)
}

// Package convroute routes conversation and event calls to the right
// client for each sandbox: the agent-server client for V1 sandboxes, the
// nested-server client for V0 conversation runtimes. It keeps one client
// per sandbox (so a server's version is detected once) over one shared
// keep-alive HTTP client, and lists conversations across many sandboxes
// with bounded concurrency.
package convroute

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/agentserver"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
	"github.com/ohdash/ohdash/backend/nestedv0"
)

// Options tune a Router; zero fields take defaults.
type Options struct {
	// HTTPClient is shared by every sandbox's client (default: a
	// keep-alive client).
	HTTPClient *http.Client
	// Timeout bounds each REST call (default 15 s).
	Timeout time.Duration
	// Stream tunes agent-server event streams.
	Stream agentserver.StreamTuning
	// V0 tunes the nested-server clients (poll interval, stop checks).
	V0 nestedv0.Options
	// Concurrency bounds the sandboxes listed at once (default 8).
	Concurrency int
	// MaxClients bounds the clients kept for reuse (default 256); the
	// least recently used go first.
	MaxClients int
	// Resolve, when set, returns the sandbox as its backend sees it now
	// (inspected again). Agent-server clients ask it for the current URL
	// after a request gets no answer and before every stream reconnect,
	// so a sandbox restarted on a new host port is found again.
	Resolve func(ctx context.Context, sb backend.Sandbox) (backend.Sandbox, error)
}

// Router implements the backend conversation roles for every sandbox
// flavor. It is safe for concurrent use.
type Router struct {
	opts Options

	mu      sync.Mutex
	clients map[string]*entry // by sandbox key
}

// entry is a cached client and what it was built from.
type entry struct {
	url, convID string
	key         backend.Secret
	used        time.Time
	v1          *agentserver.Client
	v0          *nestedv0.Client
}

// New returns a router.
func New(opts Options) *Router {
	if opts.HTTPClient == nil {
		opts.HTTPClient = clientkit.DefaultHTTPClient()
	}
	if opts.Concurrency <= 0 {
		opts.Concurrency = 8
	}
	if opts.MaxClients <= 0 {
		opts.MaxClients = 256
	}
	opts.V0.HTTPClient = opts.HTTPClient
	if opts.V0.Timeout <= 0 {
		opts.V0.Timeout = opts.Timeout
	}
	return &Router{opts: opts, clients: map[string]*entry{}}
}

var (
	_ backend.ConversationLister      = (*Router)(nil)
	_ backend.FleetConversationLister = (*Router)(nil)
	_ backend.ConversationController  = (*Router)(nil)
	_ backend.ConversationStopper     = (*Router)(nil)
	_ backend.EventStreamer           = (*Router)(nil)
	_ backend.EventPager              = (*Router)(nil)
)

func isV0(sb backend.Sandbox) bool { return sb.Flavor == backend.FlavorNestedV0 }

// client returns the cached client for sb, building a new one when the
// sandbox's URL, key or conversation changed (a restarted container).
func (r *Router) client(sb backend.Sandbox) (*entry, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := sb.Key()
	if e, ok := r.clients[k]; ok && (e.url == sb.AgentURL() || (e.v1 != nil && e.v1.Knows(sb.AgentURL()))) && e.convID == sb.ConversationID &&
		e.key.Reveal() == sb.SessionAPIKey.Reveal() && (e.v0 != nil) == isV0(sb) {
		e.used = time.Now()
		return e, nil
	}
	e := &entry{url: sb.AgentURL(), convID: sb.ConversationID, key: sb.SessionAPIKey, used: time.Now()}
	var err error
	if isV0(sb) {
		e.v0, err = nestedv0.ForSandbox(sb, r.opts.V0)
	} else {
		e.v1, err = agentserver.ForSandbox(sb, agentserver.Options{HTTPClient: r.opts.HTTPClient, Timeout: r.opts.Timeout, Stream: r.opts.Stream, Locate: r.locate(sb)})
	}
	if err != nil {
		delete(r.clients, k)
		return nil, err
	}
	r.clients[k] = e
	r.evictLocked()
	return e, nil
}

// locate returns the function that finds sb's agent-server now, or nil.
func (r *Router) locate(sb backend.Sandbox) func(context.Context) (string, error) {
	if r.opts.Resolve == nil {
		return nil
	}
	return func(ctx context.Context) (string, error) {
		fresh, err := r.opts.Resolve(ctx, sb)
		if err != nil {
			return "", err
		}
		return fresh.AgentURL(), nil
	}
}

// evictLocked drops the least recently used clients beyond MaxClients.
func (r *Router) evictLocked() {
	for len(r.clients) > r.opts.MaxClients {
		var oldest string
		var at time.Time
		for k, e := range r.clients {
			if oldest == "" || e.used.Before(at) {
				oldest, at = k, e.used
			}
		}
		delete(r.clients, oldest)
	}
}

// CloseIdleConnections closes the connections to agent-servers that no
// call is using. A fleet-wide listing leaves up to the HTTP client's idle
// limit open; a caller that knows no listing follows soon (the dashboard,
// once its start-up sweep is over) lets them go at once.
func (r *Router) CloseIdleConnections() { r.opts.HTTPClient.CloseIdleConnections() }

// Forget drops the cached client of a sandbox that is gone.
func (r *Router) Forget(sb backend.Sandbox) {
	r.mu.Lock()
	delete(r.clients, sb.Key())
	r.mu.Unlock()
}

// v0Conv checks that id names the conversation a V0 sandbox runs.
func v0Conv(sb backend.Sandbox, id string) error {
	if nestedv0.CanonicalID(id) != nestedv0.CanonicalID(sb.ConversationID) {
		return fmt.Errorf("conversation %s is not in V0 sandbox %s: %w", clientkit.SanitizeLine(id, 80), sb.ID, backend.ErrNotFound)
	}
	return nil
}

// stamp fills in where a conversation lives.
func stamp(sb backend.Sandbox, c backend.Conversation) backend.Conversation {
	c.SandboxID, c.Source = sb.ID, sb.Source
	return c
}

package dockertest

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httputil"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend/sim/faults"
)

// Call is one API request that went through a Proxy.
type Call struct {
	Method string
	// Path is the request path without the /v1.xx version prefix.
	Path string
	Time time.Time
}

// Proxy is a unix-socket proxy in front of the Docker engine that a test
// controls: it records every API call, Close cuts every connection
// (streams included) until Open listens again on the same socket, and
// Freeze stops all traffic without closing anything (a hung engine) until
// Thaw.
type Proxy struct {
	upstream string
	path     string
	handler  http.Handler
	tr       *http.Transport
	freezer  faults.Freezer

	mu    sync.Mutex
	srv   *http.Server
	calls []Call
}

var versionPrefix = regexp.MustCompile(`^/v[0-9]+\.[0-9]+`)

// NewProxy starts a proxy to the engine's unix socket (DOCKER_HOST if it
// is a unix:// address, else /var/run/docker.sock). It is closed when the
// test ends.
func NewProxy(t testing.TB) *Proxy {
	t.Helper()
	upstream := "/var/run/docker.sock"
	if h := os.Getenv("DOCKER_HOST"); strings.HasPrefix(h, "unix://") {
		upstream = strings.TrimPrefix(h, "unix://")
	}
	// Socket paths are limited to ~108 bytes: t.TempDir() can be too long.
	dir, err := os.MkdirTemp("", "ohdp")
	if err != nil {
		t.Fatal(err)
	}
	p := &Proxy{upstream: upstream, path: filepath.Join(dir, "docker.sock")}
	p.tr = &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", upstream)
		},
		IdleConnTimeout: 10 * time.Second,
	}
	rp := &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.Out.URL.Scheme, r.Out.URL.Host = "http", "docker"
		},
		Transport: p.tr,
		// Event and log streams must pass through as they come.
		FlushInterval: -1,
		// A cut connection is the point of Close; don't log it.
		ErrorLog: log.New(io.Discard, "", 0),
	}
	p.handler = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.mu.Lock()
		p.calls = append(p.calls, Call{Method: r.Method, Path: versionPrefix.ReplaceAllString(r.URL.Path, ""), Time: time.Now()})
		p.mu.Unlock()
		rp.ServeHTTP(w, r)
	})
	if err := p.Open(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		p.Close()
		_ = os.RemoveAll(dir)
	})
	return p
}

// Host is the DOCKER_HOST value that reaches the engine through the proxy.
func (p *Proxy) Host() string { return "unix://" + p.path }

// Path is the proxy's socket path.
func (p *Proxy) Path() string { return p.path }

// Open listens on the socket (again); a no-op when already open.
func (p *Proxy) Open() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.srv != nil {
		return nil
	}
	_ = os.Remove(p.path)
	l, err := net.Listen("unix", p.path)
	if err != nil {
		return err
	}
	l = p.freezer.Listener(l)
	srv := &http.Server{Handler: p.handler}
	p.srv = srv
	// Serve returns when Close closes the listener.
	go func() { _ = srv.Serve(l) }()
	return nil
}

// Close stops listening, removes the socket and cuts every open
// connection, as if the engine had gone away.
func (p *Proxy) Close() {
	p.mu.Lock()
	srv := p.srv
	p.srv = nil
	p.mu.Unlock()
	if srv != nil {
		_ = srv.Close()
		_ = os.Remove(p.path)
	}
	p.tr.CloseIdleConnections()
}

// Freeze stops every byte between ohdash and the engine, on open
// connections (the event stream included) and new ones alike, without
// closing any: the engine seems to hang.
func (p *Proxy) Freeze() { p.freezer.Freeze() }

// Thaw lets the traffic Freeze held back flow again.
func (p *Proxy) Thaw() { p.freezer.Thaw() }

// Calls returns the calls recorded so far.
func (p *Proxy) Calls() []Call {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]Call(nil), p.calls...)
}

// Count counts recorded calls with the method (any when empty) whose path
// matches the pattern (a regular expression on the unversioned path).
func (p *Proxy) Count(method, pattern string) int {
	re := regexp.MustCompile(pattern)
	n := 0
	for _, c := range p.Calls() {
		if (method == "" || c.Method == method) && re.MatchString(c.Path) {
			n++
		}
	}
	return n
}

// Reset forgets the recorded calls.
func (p *Proxy) Reset() {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.calls = nil
}

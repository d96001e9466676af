package sshdial

import (
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"os/user"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/ohdash/ohdash/backend"
)

// Defaults of Options.
const (
	DefaultTimeout           = 15 * time.Second
	DefaultKeepAlive         = 15 * time.Second
	DefaultKeepAliveCountMax = 3
)

// Options configure a Dialer. Every zero field takes the default named in
// its comment; the ssh config's ConnectTimeout, ServerAliveInterval and
// ServerAliveCountMax win over Timeout, KeepAlive and KeepAliveCountMax.
type Options struct {
	// Getenv reads HOME, SSH_AUTH_SOCK and USER; tests replace it.
	// Default os.Getenv.
	Getenv func(string) string
	// ConfigFile is the ssh client config to honour. Default
	// ~/.ssh/config; a missing or unreadable file is no config.
	ConfigFile string
	// Timeout bounds the TCP connect plus the SSH handshake of a new
	// connection; a deadline on the Dial context applies as well.
	// Default 15 s.
	Timeout time.Duration
	// KeepAlive is the interval between keepalive requests on an SSH
	// connection. Default 15 s.
	KeepAlive time.Duration
	// KeepAliveCountMax is how many intervals a keepalive may go
	// unanswered before the connection is declared dead. Default 3.
	KeepAliveCountMax int
}

// Dialer opens connections to Docker engines over SSH. It keeps one SSH
// connection per [user@]host[:port] and opens one channel per Dial on it;
// a dead connection is replaced on the next Dial. It is safe for
// concurrent use. Close it to release the connections.
type Dialer struct {
	opts Options
	// closing is cancelled by Close; every Dial in flight watches it.
	closing context.Context
	cancel  context.CancelCauseFunc

	mu     sync.Mutex
	hosts  map[string]*host
	conns  map[*conn]struct{}
	closed bool
	wg     sync.WaitGroup
}

// host is the shared SSH connection to one login.
type host struct {
	// slot is held while the connection is checked or made, so that many
	// HTTP connections dialed at once share one handshake.
	slot chan struct{}
	cur  *conn // guarded by slot
	// attempts counts finished connect attempts; lastErr (guarded by
	// slot) is how the latest one failed. Dials that queued behind a
	// failed attempt share its error instead of each waiting out a
	// handshake of their own.
	attempts atomic.Uint64
	lastErr  error
}

// New returns a Dialer; it connects nothing until the first Dial.
func New(o Options) *Dialer {
	if o.Getenv == nil {
		o.Getenv = os.Getenv
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.KeepAlive <= 0 {
		o.KeepAlive = DefaultKeepAlive
	}
	if o.KeepAliveCountMax <= 0 {
		o.KeepAliveCountMax = DefaultKeepAliveCountMax
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	return &Dialer{
		opts: o, closing: ctx, cancel: cancel,
		hosts: map[string]*host{}, conns: map[*conn]struct{}{},
	}
}

// DialURL parses raw (see ParseURL) and dials it.
func (d *Dialer) DialURL(ctx context.Context, raw string) (net.Conn, error) {
	t, err := ParseURL(raw)
	if err != nil {
		return nil, err
	}
	return d.Dial(ctx, t)
}

// Dial returns a connection to the engine socket of t: a new channel on
// the SSH connection to t's host, made first if there is none or it died.
// The context bounds the connect, the handshake and the channel open, not
// the connection returned.
func (d *Dialer) Dial(ctx context.Context, t Target) (net.Conn, error) {
	login := t.Login()
	h, err := d.host(login)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	stop := context.AfterFunc(d.closing, func() { cancel(net.ErrClosed) })
	defer stop()

	socket := firstNonEmpty(t.Socket, DefaultSocket)
	for attempt := 0; ; attempt++ {
		c, fresh, err := d.connection(ctx, h, t)
		if err != nil {
			return nil, err
		}
		nc, err := c.client.DialContext(ctx, "unix", socket)
		if err == nil {
			return nc, nil
		}
		if ctx.Err() != nil {
			return nil, ctxErr(ctx, login)
		}
		var refused *ssh.OpenChannelError
		if errors.As(err, &refused) {
			return nil, socketError(login, c.user, socket, refused)
		}
		// The connection died before its keepalives noticed: drop it and
		// try once more on a new one.
		c.kill()
		if fresh || attempt > 0 {
			return nil, newError(login, "open socket", err, "the SSH connection was lost", backend.ErrUnavailable)
		}
	}
}

// Resolve says what t resolves to through the ssh config and the
// defaults, without connecting.
func (d *Dialer) Resolve(t Target) (Settings, error) {
	env := d.localEnv()
	return resolve(d.config(env), t, env)
}

// Close closes every SSH connection (and with them the connections Dial
// returned), aborts Dials in flight and waits for the dialer's goroutines.
func (d *Dialer) Close() error {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return nil
	}
	d.closed = true
	d.cancel(net.ErrClosed)
	conns := make([]*conn, 0, len(d.conns))
	for c := range d.conns {
		conns = append(conns, c)
	}
	d.mu.Unlock()
	for _, c := range conns {
		c.kill()
	}
	d.wg.Wait()
	return nil
}

// host returns the shared-connection slot of a login.
func (d *Dialer) host(login string) (*host, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, fmt.Errorf("ssh %s: dialer closed: %w", login, net.ErrClosed)
	}
	h := d.hosts[login]
	if h == nil {
		h = &host{slot: make(chan struct{}, 1)}
		d.hosts[login] = h
	}
	return h, nil
}

// connection returns h's live SSH connection, connecting when there is
// none; fresh reports a connection made by this call.
func (d *Dialer) connection(ctx context.Context, h *host, t Target) (c *conn, fresh bool, err error) {
	seen := h.attempts.Load()
	select {
	case h.slot <- struct{}{}:
	case <-ctx.Done():
		return nil, false, ctxErr(ctx, t.Login())
	}
	defer func() { <-h.slot }()
	if h.cur != nil && h.cur.alive() {
		return h.cur, false, nil
	}
	if h.attempts.Load() != seen && h.lastErr != nil {
		return nil, false, h.lastErr
	}
	h.cur = nil
	c, err = d.connect(ctx, t)
	h.lastErr = err
	h.attempts.Add(1)
	if err != nil {
		if ctx.Err() != nil {
			// This caller gave up; the next one tries for itself.
			h.lastErr = nil
		}
		return nil, false, err
	}
	h.cur = c
	return c, true, nil
}

// track registers a new connection and starts its watchers; false once
// the dialer is closed.
func (d *Dialer) track(c *conn, every time.Duration, countMax int) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return false
	}
	d.conns[c] = struct{}{}
	d.wg.Add(2)
	go func() {
		defer d.wg.Done()
		_ = c.client.Wait()
		c.kill()
		d.mu.Lock()
		delete(d.conns, c)
		d.mu.Unlock()
	}()
	go func() {
		defer d.wg.Done()
		c.keepAlive(&d.wg, every, countMax)
	}()
	c.watchJumps(&d.wg)
	return true
}

// localEnv reads the home directory and the local user name.
func (d *Dialer) localEnv() localEnv {
	env := localEnv{home: d.opts.Getenv("HOME"), uid: os.Getuid()}
	if env.home == "" {
		env.home, _ = os.UserHomeDir()
	}
	if u, err := user.Current(); err == nil {
		env.user = u.Username
	}
	env.user = firstNonEmpty(env.user, d.opts.Getenv("USER"), d.opts.Getenv("LOGNAME"))
	return env
}

// config reads the ssh config afresh, so edits apply to the next
// connection.
func (d *Dialer) config(env localEnv) *sshConfig {
	sshDir := filepath.Join(env.home, ".ssh")
	path := d.opts.ConfigFile
	if path == "" {
		path = filepath.Join(sshDir, "config")
	}
	return loadConfig(path, sshDir, env.home)
}

// ctxErr is the error of a Dial whose context ended: the caller's
// cancellation or deadline, or the dialer's Close.
func ctxErr(ctx context.Context, login string) error {
	return fmt.Errorf("ssh %s: %w", login, context.Cause(ctx))
}

// socketError explains a refused channel to the engine socket. OpenSSH
// answers "connect failed" both for a socket it cannot reach and for a
// forward its config refuses, so the message names both.
func socketError(login, user, socket string, e *ssh.OpenChannelError) error {
	forwarding := "the server's sshd_config must allow forwarding: AllowStreamLocalForwarding yes and " +
		"AllowTcpForwarding yes (the defaults; OpenSSH checks both), and no DisableForwarding"
	if e.Reason == ssh.Prohibited {
		return newError(login, "open socket", e, "the SSH server refuses to forward to "+socket+"; "+forwarding,
			backend.ErrUnauthorized)
	}
	return newError(login, "open socket", e, fmt.Sprintf("cannot connect to %s on the host: is Docker running there, "+
		"may %s use that socket, is it the right path (ssh://host/path/to/docker.sock)? Also, %s",
		socket, user, forwarding), backend.ErrUnavailable)
}

package sshdial

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/ohdash/ohdash/backend"
)

// conn is one SSH connection and whether it is still usable.
type conn struct {
	client *ssh.Client
	user   string // the remote login, for messages
	done   chan struct{}
	once   sync.Once
}

func newConn(c *ssh.Client, user string) *conn {
	return &conn{client: c, user: user, done: make(chan struct{})}
}

// kill marks the connection dead and closes it; safe to call many times.
func (c *conn) kill() {
	c.once.Do(func() { close(c.done) })
	_ = c.client.Close()
}

func (c *conn) alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// keepAlive sends a keepalive request every interval and kills the
// connection when one goes unanswered for countMax intervals, so a peer
// that vanished without closing the TCP connection (a dropped VPN, a
// suspended laptop on the other side) is noticed and the next Dial
// connects afresh. Requests run in goroutines counted by wg.
func (c *conn) keepAlive(wg *sync.WaitGroup, interval time.Duration, countMax int) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-c.done:
			return
		case <-tick.C:
		}
		reply := make(chan error, 1)
		wg.Go(func() {
			// OpenSSH answers with a failure, which still proves it alive.
			_, _, err := c.client.SendRequest("keepalive@openssh.com", true, nil)
			reply <- err
		})
		wait := time.NewTimer(interval * time.Duration(countMax))
		select {
		case err := <-reply:
			if err != nil {
				c.kill()
			}
		case <-wait.C:
			c.kill()
		case <-c.done:
		}
		wait.Stop()
	}
}

// handshake records what the handshake callbacks saw, to tell a refused
// host key from a refused login from a lost network.
type handshake struct {
	mu        sync.Mutex
	verdict   error
	keyOK     bool
	authTried bool
}

func (h *handshake) hostKey(err error) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.verdict, h.keyOK = err, err == nil
	return err
}

func (h *handshake) tried() {
	h.mu.Lock()
	h.authTried = true
	h.mu.Unlock()
}

func (h *handshake) state() (verdict error, keyOK, authTried bool) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.verdict, h.keyOK, h.authTried
}

// connect resolves t, checks that there is a key to offer, then connects
// and runs the SSH handshake within the timeout and ctx.
func (d *Dialer) connect(ctx context.Context, t Target) (*conn, error) {
	login := t.Login()
	env := d.localEnv()
	s, err := resolve(d.config(env), t, env)
	if err != nil {
		return nil, err
	}
	if s.Proxy != "" {
		return nil, newError(login, "config", nil, fmt.Sprintf(
			"the ssh config sets %q for %s, and proxies are not supported yet; "+
				"forward the engine socket yourself (ssh -L /tmp/docker.sock:%s %s) and use unix:///tmp/docker.sock",
			s.Proxy, s.Alias, s.Socket, s.Alias), backend.ErrUnsupported)
	}
	hk, err := loadHostKeys(s.KnownHostsFiles, systemKnownHosts)
	if err != nil {
		return nil, newError(login, "host key", err, "cannot read known_hosts; fix or remove the line named", backend.ErrUnauthorized)
	}
	timeout := d.opts.Timeout
	if s.ConnectTimeout > 0 {
		timeout = s.ConnectTimeout
	}
	// One timeout bounds everything from here: the agent, the TCP
	// connect and the handshake.
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	keys, note, closeAgent := agentKeys(hctx, d.opts.Getenv("SSH_AUTH_SOCK"))
	defer closeAgent()
	plan := planAuth(s, keys, note)
	if len(plan.signers) == 0 {
		return nil, plan.noKeysError(login, s)
	}

	timedOut := func() error {
		if ctx.Err() != nil {
			return ctxErr(ctx, login)
		}
		return newError(login, "connect", nil, fmt.Sprintf("no SSH session with %s within %s", s.Addr(), timeout), backend.ErrUnavailable)
	}
	var nd net.Dialer
	raw, err := nd.DialContext(hctx, "tcp", s.Addr())
	if err != nil {
		if hctx.Err() != nil {
			return nil, timedOut()
		}
		return nil, newError(login, "connect", err, "cannot reach "+s.Addr(), backend.ErrUnavailable)
	}

	var hs handshake
	cfg := &ssh.ClientConfig{
		User: s.User,
		Auth: []ssh.AuthMethod{ssh.PublicKeysCallback(func() ([]ssh.Signer, error) {
			hs.tried()
			return plan.signers, nil
		})},
		HostKeyCallback: func(_ string, remote net.Addr, key ssh.PublicKey) error {
			return hs.hostKey(hk.check(s, login, remote, key))
		},
		HostKeyAlgorithms: hk.algorithms(s),
	}
	// The handshake takes no context: when hctx ends (deadline, timeout,
	// cancellation or Close) the connection's deadline moves to the past,
	// which fails the handshake, and hctx.Err() then says why.
	stop := context.AfterFunc(hctx, func() { _ = raw.SetDeadline(time.Unix(1, 0)) })
	sc, chans, reqs, err := ssh.NewClientConn(raw, s.Addr(), cfg)
	if !stop() && err == nil {
		_ = sc.Close()
		return nil, timedOut()
	}
	if err != nil {
		_ = raw.Close()
		verdict, keyOK, authTried := hs.state()
		switch {
		case hctx.Err() != nil:
			return nil, timedOut()
		case verdict != nil:
			return nil, verdict
		case keyOK && authTried && !lostConnection(err):
			return nil, plan.refusedError(login, s, err)
		}
		return nil, newError(login, "connect", err, "SSH handshake with "+s.Addr()+" failed", backend.ErrUnavailable)
	}
	_ = raw.SetDeadline(time.Time{})

	c := newConn(ssh.NewClient(sc, chans, reqs), s.User)
	interval, countMax := d.opts.KeepAlive, d.opts.KeepAliveCountMax
	if s.ServerAliveInterval > 0 {
		interval = s.ServerAliveInterval
	}
	if s.ServerAliveCountMax > 0 {
		countMax = s.ServerAliveCountMax
	}
	if !d.track(c, interval, countMax) {
		c.kill()
		return nil, fmt.Errorf("ssh %s: dialer closed: %w", login, net.ErrClosed)
	}
	return c, nil
}

// lostConnection reports whether a handshake error is the network's
// doing rather than the server's answer.
func lostConnection(err error) bool {
	var ne net.Error
	return errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.As(err, &ne)
}

package sshdial

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/ohdash/ohdash/backend"
)

// conn is one SSH connection and whether it is still usable.
type conn struct {
	client *ssh.Client
	// jumps are the connections to the jump hosts the client rides on,
	// first hop first; they live and die with it.
	jumps []*ssh.Client
	user  string // the remote login, for messages
	done  chan struct{}
	once  sync.Once
}

func newConn(c *ssh.Client, jumps []*ssh.Client, user string) *conn {
	return &conn{client: c, jumps: jumps, user: user, done: make(chan struct{})}
}

// kill marks the connection dead and closes it and its jump connections;
// safe to call many times.
func (c *conn) kill() {
	c.once.Do(func() { close(c.done) })
	closeClients(append(slices.Clip(c.jumps), c.client))
}

func (c *conn) alive() bool {
	select {
	case <-c.done:
		return false
	default:
		return true
	}
}

// watchJumps kills the connection when a jump connection ends. A dead
// jump host ends the target's connection too, as its channel goes, but
// watching the jumps drops the chain at once, whichever end notices first.
func (c *conn) watchJumps(wg *sync.WaitGroup) {
	for _, j := range c.jumps {
		wg.Go(func() {
			_ = j.Wait()
			c.kill()
		})
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

// connect resolves t and its jump hosts, checks that there is a key to
// offer each, then connects through them and runs the SSH handshakes
// within the timeout and ctx.
func (d *Dialer) connect(ctx context.Context, t Target) (*conn, error) {
	login := t.Login()
	env := d.localEnv()
	cfg := d.config(env)
	s, err := resolve(cfg, t, env)
	if err != nil {
		return nil, err
	}
	if s.ProxyCommand != "" {
		return nil, newError(login, "config", nil, fmt.Sprintf(
			"the ssh config sets \"ProxyCommand %s\" for %s, and proxy commands are not supported (ProxyJump is); "+
				"forward the engine socket yourself (ssh -L /tmp/docker.sock:%s %s) and use unix:///tmp/docker.sock",
			s.ProxyCommand, s.Alias, s.Socket, s.Alias), backend.ErrUnsupported)
	}
	jumps, err := jumpChain(cfg, env, s, login)
	if err != nil {
		return nil, err
	}
	timeout := d.opts.Timeout
	if s.ConnectTimeout > 0 {
		timeout = s.ConnectTimeout
	}
	// One timeout bounds everything from here: the agent, the TCP
	// connect and every handshake of the chain.
	hctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	keys, note, closeAgent := agentKeys(hctx, d.opts.Getenv("SSH_AUTH_SOCK"))
	defer closeAgent()
	hops := make([]hop, 0, len(jumps)+1)
	for _, js := range slices.Concat(jumps, []Settings{s}) {
		via := ""
		if len(hops) < len(jumps) {
			via = hopLabel(js)
		}
		h, err := newHop(js, via, login, keys, note)
		if err != nil {
			return nil, err
		}
		hops = append(hops, h)
	}
	clients, err := dialChain(ctx, hctx, timeout, login, hops)
	if err != nil {
		return nil, err
	}

	last := len(clients) - 1
	c := newConn(clients[last], clients[:last], s.User)
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

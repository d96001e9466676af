package sshdial_test

import (
	"bufio"
	"context"
	"crypto"
	"errors"
	"io"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/sshdial"
)

// watchdog bounds a call that must return on its own well before it.
const watchdog = 10 * time.Second

// echoSocket serves a unix socket that echoes lines: the stand-in for an
// engine socket on the remote host.
func echoSocket(t testing.TB) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "echo.sock")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	sshdial.ServeForTest(t, l, func(c net.Conn) { _, _ = io.Copy(c, c) })
	return path
}

// ping checks that c reaches the echo socket.
func ping(t testing.TB, c net.Conn) {
	t.Helper()
	if _, err := io.WriteString(c, "ping\n"); err != nil {
		t.Fatalf("write: %v", err)
	}
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil || line != "ping\n" {
		t.Fatalf("echo: %q, %v", line, err)
	}
}

// sshSetup is a server trusting a fresh client key, reached through a
// proxy, and a client home that knows the server's key.
type sshSetup struct {
	home   *clientHome
	srv    *sshServer
	proxy  *tcpProxy
	socket string
}

func newSSHSetup(t *testing.T, extra ...string) *sshSetup {
	home := newClientHome(t)
	srv := startSSHD(t, []ssh.PublicKey{home.NewKey("id_ed25519")}, extra...)
	px := newProxy(t, "127.0.0.1:"+strconv.Itoa(srv.Port))
	home.Trust(px.Port(), srv.HostKey)
	return &sshSetup{home: home, srv: srv, proxy: px, socket: echoSocket(t)}
}

// target is the echo socket through the proxy, as the OS user (no user
// in the URL, no config).
func (s *sshSetup) target() sshdial.Target {
	return sshdial.Target{Host: "127.0.0.1", Port: s.proxy.Port(), Socket: s.socket}
}

func newDialer(t testing.TB, o sshdial.Options) *sshdial.Dialer {
	d := sshdial.New(o)
	t.Cleanup(func() { _ = d.Close() })
	return d
}

func TestDialSharesOneConnectionAndRedialsAfterTheServerDies(t *testing.T) {
	s := newSSHSetup(t)
	d := newDialer(t, sshdial.Options{Getenv: s.home.Getenv})
	ctx := t.Context()

	conns := make([]net.Conn, 5)
	errs := make([]error, len(conns))
	var wg sync.WaitGroup
	for i := range conns {
		wg.Go(func() { conns[i], errs[i] = d.Dial(ctx, s.target()) })
	}
	wg.Wait()
	for i, c := range conns {
		if errs[i] != nil {
			t.Fatalf("dial %d: %v", i, errs[i])
		}
		ping(t, c)
		defer c.Close()
	}
	if n := s.proxy.Accepted(); n != 1 {
		t.Errorf("%d concurrent dials made %d SSH connections, want 1", len(conns), n)
	}

	s.srv.Kill()
	if _, err := d.Dial(ctx, s.target()); !errors.Is(err, backend.ErrUnavailable) {
		t.Fatalf("dial with the server gone: %v, want ErrUnavailable", err)
	}
	s.srv.Start()
	c, err := d.Dial(ctx, s.target())
	if err != nil {
		t.Fatalf("dial after the server came back: %v", err)
	}
	defer c.Close()
	ping(t, c)
}

func TestKeepAlivesDropAFrozenConnection(t *testing.T) {
	s := newSSHSetup(t)
	d := newDialer(t, sshdial.Options{Getenv: s.home.Getenv, KeepAlive: 100 * time.Millisecond, KeepAliveCountMax: 2})
	c, err := d.Dial(t.Context(), s.target())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ping(t, c)

	s.proxy.Freeze()
	// Once the keepalives go unanswered the SSH connection is closed, and
	// with it the channel.
	readErr := make(chan error, 1)
	go func() { _, err := c.Read(make([]byte, 1)); readErr <- err }()
	select {
	case err := <-readErr:
		if err == nil {
			t.Fatal("read on a frozen connection returned data")
		}
	case <-time.After(watchdog):
		t.Fatal("a frozen SSH connection was never noticed")
	}
	c2, err := d.Dial(t.Context(), s.target())
	if err != nil {
		t.Fatalf("dial after the frozen connection was dropped: %v", err)
	}
	defer c2.Close()
	ping(t, c2)
	if n := s.proxy.Accepted(); n != 2 {
		t.Errorf("SSH connections made: %d, want 2", n)
	}
}

// blackhole accepts TCP connections and never says a word; accepted
// receives a value per connection.
func blackhole(t testing.TB) (port int, accepted <-chan struct{}) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	acc := make(chan struct{}, 16)
	sshdial.ServeForTest(t, l, func(net.Conn) {
		select {
		case acc <- struct{}{}:
		default:
		}
	})
	return l.Addr().(*net.TCPAddr).Port, acc
}

// dialAsync runs a Dial and fails the test if it is still running after
// the watchdog.
func dialAsync(t *testing.T, d *sshdial.Dialer, ctx context.Context, tg sshdial.Target) func() error {
	done := make(chan error, 1)
	go func() {
		c, err := d.Dial(ctx, tg)
		if c != nil {
			_ = c.Close()
		}
		done <- err
	}()
	return func() error {
		t.Helper()
		select {
		case err := <-done:
			return err
		case <-time.After(watchdog):
			t.Fatal("Dial did not return")
			return nil
		}
	}
}

func TestDialHonoursDeadlinesAndClose(t *testing.T) {
	home := newClientHome(t)
	home.NewKey("id_ed25519")
	port, accepted := blackhole(t)
	tg := sshdial.Target{Host: "127.0.0.1", Port: port}

	d := newDialer(t, sshdial.Options{Getenv: home.Getenv})
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	if err := dialAsync(t, d, ctx, tg)(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("a handshake past the context's deadline: %v", err)
	}

	<-accepted
	// Dials queued behind a failing handshake share its failure rather
	// than each waiting out a timeout of its own.
	short := newDialer(t, sshdial.Options{Getenv: home.Getenv, Timeout: 200 * time.Millisecond})
	waits := make([]func() error, 4)
	for i := range waits {
		waits[i] = dialAsync(t, short, t.Context(), tg)
	}
	for _, wait := range waits {
		err := wait()
		if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "within 200ms") {
			t.Errorf("a handshake past the dialer's timeout: %v", err)
		}
	}
	<-accepted
	if n := len(accepted); n != 0 {
		t.Errorf("%d concurrent dials made %d handshake attempts, want 1", len(waits), n+1)
	}

	closing := sshdial.New(sshdial.Options{Getenv: home.Getenv})
	wait := dialAsync(t, closing, t.Context(), tg)
	<-accepted // the handshake is under way
	_ = closing.Close()
	if err := wait(); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Close during a handshake: %v, want net.ErrClosed", err)
	}
	if _, err := closing.Dial(t.Context(), tg); !errors.Is(err, net.ErrClosed) {
		t.Errorf("Dial after Close: %v", err)
	}
}

func TestConfigAliasWithAnAgentHeldKey(t *testing.T) {
	key, err := ssh.ParseRawPrivateKey([]byte(sshdial.TestKeyPlain))
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := ssh.NewPublicKey(key.(crypto.Signer).Public())
	home := newClientHome(t)
	srv := startSSHD(t, []ssh.PublicKey{pub})
	mustWrite(t, filepath.Join(home.SSHDir(), "work_key"), sshdial.TestKeyEncrypted)
	home.Append("config", strings.Join([]string{
		"Host devbox",
		"    HostName 127.0.0.1",
		"    Port " + strconv.Itoa(srv.Port),
		"    User " + srv.User,
		"    IdentityFile ~/.ssh/work_key",
		"    UserKnownHostsFile ~/.ssh/known_hosts.work",
		"",
	}, "\n"))
	// The host is known only in the file the config names.
	home.Append("known_hosts.work", "[127.0.0.1]:"+strconv.Itoa(srv.Port)+" "+string(ssh.MarshalAuthorizedKey(srv.HostKey)))
	socket := echoSocket(t)
	d := newDialer(t, sshdial.Options{Getenv: home.Getenv})

	_, err = d.DialURL(t.Context(), "ssh://devbox"+socket)
	workKey := filepath.Join(home.SSHDir(), "work_key")
	if !errors.Is(err, backend.ErrUnauthorized) || !strings.Contains(err.Error(), workKey+" is encrypted") ||
		!strings.Contains(err.Error(), "ssh-add "+workKey) {
		t.Fatalf("an encrypted key without an agent: %v", err)
	}

	agentSock := filepath.Join(home.Dir, "agent.sock")
	stop := sshdial.ServeTestAgent(t, agentSock, key)
	home.Setenv("SSH_AUTH_SOCK", agentSock)
	c, err := d.DialURL(t.Context(), "ssh://devbox"+socket)
	if err != nil {
		t.Fatalf("the agent holds the key: %v", err)
	}
	ping(t, c)
	// Closing the dialer ends the channel and the SSH connection before
	// the agent's server stops.
	_ = c.Close()
	_ = d.Close()
	stop()
}

func TestRefusedSocketsAreExplained(t *testing.T) {
	s := newSSHSetup(t)
	d := newDialer(t, sshdial.Options{Getenv: s.home.Getenv})
	tg := s.target()
	tg.Socket = "/nonexistent/docker.sock"
	_, err := d.Dial(t.Context(), tg)
	if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "cannot connect to /nonexistent/docker.sock") {
		t.Errorf("a missing remote socket: %v", err)
	}

	locked := newSSHSetup(t, "AllowStreamLocalForwarding no")
	d2 := newDialer(t, sshdial.Options{Getenv: locked.home.Getenv})
	_, err = d2.Dial(t.Context(), locked.target())
	if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "AllowStreamLocalForwarding yes") {
		t.Errorf("a server that does not forward sockets: %v", err)
	}
}

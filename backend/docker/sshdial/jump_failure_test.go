package sshdial_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/backend/docker/sshdial"
)

func TestUnreachableJumpHostsFailWithinTheTimeout(t *testing.T) {
	home := newClientHome(t)
	home.NewKey("id_ed25519")
	closed := dockertest.FreePort(t)
	hole, _ := blackhole(t)
	home.Append("config", fmt.Sprintf(`Host refused
    HostName 127.0.0.1
    Port %d
    ProxyJump down
Host down
    HostName 127.0.0.1
    Port %d
Host silent
    HostName 127.0.0.1
    Port %d
    ProxyJump mute
Host mute
    HostName 127.0.0.1
    Port %d
`, closed, closed, closed, hole))
	const timeout = 300 * time.Millisecond
	d := newDialer(t, sshdial.Options{Getenv: home.Getenv, Timeout: timeout})
	for alias, want := range map[string]string{
		"refused": fmt.Sprintf("connect: via jump host down (127.0.0.1:%d): cannot reach 127.0.0.1:%d", closed, closed),
		"silent":  fmt.Sprintf("connect: via jump host mute (127.0.0.1:%d): no SSH session with 127.0.0.1:%d within %s", hole, hole, timeout),
	} {
		start := time.Now()
		err := dialAsync(t, d, t.Context(), sshdial.Target{Host: alias})()
		if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want ErrUnavailable with %q", alias, err, want)
		}
		if took := time.Since(start); took > timeout+2*time.Second {
			t.Errorf("%s: took %s with a %s timeout", alias, took, timeout)
		}
	}
}

func TestTargetBehindAJumpHostUnreachableOrSilent(t *testing.T) {
	j := newJumpSetup(t)
	j.trustAll()
	closed := dockertest.FreePort(t)
	hole, _ := blackhole(t)
	j.home.Append("config", fmt.Sprintf(`Host gone
    HostName 127.0.0.1
    Port %d
    ProxyJump bastion
Host mute
    HostName 127.0.0.1
    Port %d
    ProxyJump bastion
`, closed, hole))
	d := newDialer(t, sshdial.Options{Getenv: j.home.Getenv, Timeout: 500 * time.Millisecond})
	err := dialAsync(t, d, t.Context(), sshdial.Target{Host: "gone"})()
	want := fmt.Sprintf("the jump host bastion (127.0.0.1:%d) cannot reach 127.0.0.1:%d", j.proxy.Port(), closed)
	if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), want) {
		t.Errorf("a target the bastion cannot reach: %v", err)
	}

	// The handshake with a silent target runs over a channel, which has no
	// deadline of its own: the timeout must still end it.
	err = dialAsync(t, d, t.Context(), sshdial.Target{Host: "mute"})()
	if !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), "within 500ms") || strings.Contains(err.Error(), "via jump host") {
		t.Errorf("a silent target behind the bastion: %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	slow := newDialer(t, sshdial.Options{Getenv: j.home.Getenv})
	if err := dialAsync(t, slow, ctx, sshdial.Target{Host: "mute"})(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("the context's deadline through a bastion: %v", err)
	}
	// Every failed chain was closed: no connection to the bastion is left.
	waitFor(t, "failed chains close the bastion's connection", func() bool { return j.proxy.Live() == 0 })
}

func TestJumpHostDeathDropsTheChain(t *testing.T) {
	j := newJumpSetup(t)
	j.trustAll()
	d := newDialer(t, sshdial.Options{Getenv: j.home.Getenv, KeepAlive: 100 * time.Millisecond, KeepAliveCountMax: 2})
	dial := func() (net.Conn, error) { return d.DialURL(t.Context(), "ssh://target"+j.socket) }
	dropped := func(c net.Conn, what string) {
		t.Helper()
		readErr := make(chan error, 1)
		go func() { _, err := c.Read(make([]byte, 1)); readErr <- err }()
		select {
		case err := <-readErr:
			if err == nil {
				t.Fatalf("%s: a read returned data", what)
			}
		case <-time.After(watchdog):
			t.Fatalf("%s: the connection was never dropped", what)
		}
	}

	// A bastion that goes silent: the target's keepalives, which cross it,
	// go unanswered.
	c, err := dial()
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ping(t, c)
	j.proxy.Freeze()
	dropped(c, "frozen bastion")
	c2, err := dial()
	if err != nil {
		t.Fatalf("dial after the frozen chain was dropped: %v", err)
	}
	defer c2.Close()
	ping(t, c2)

	// A bastion that dies.
	j.bastion.Kill()
	dropped(c2, "dead bastion")
	if _, err := dial(); !errors.Is(err, backend.ErrUnavailable) || !strings.Contains(err.Error(), j.bastionLabel()) {
		t.Fatalf("dial with the bastion gone: %v", err)
	}
	j.bastion.Start()
	c3, err := dial()
	if err != nil {
		t.Fatalf("dial after the bastion came back: %v", err)
	}
	defer c3.Close()
	ping(t, c3)
	// The proxy counts only connections it could forward to the bastion.
	if n := j.proxy.Accepted(); n != 3 {
		t.Errorf("connections to the bastion: %d, want 3 (first, after the freeze, after the restart)", n)
	}
}

func TestProxyCommandIsRefused(t *testing.T) {
	home := newClientHome(t)
	home.NewKey("id_ed25519")
	home.Append("config", "Host viacmd\n    ProxyCommand nc %h %p\n")
	_, err := newDialer(t, sshdial.Options{Getenv: home.Getenv}).DialURL(t.Context(), "ssh://viacmd")
	if !errors.Is(err, backend.ErrUnsupported) || !strings.Contains(err.Error(), `"ProxyCommand nc %h %p"`) ||
		!strings.Contains(err.Error(), "ssh -L /tmp/docker.sock:/var/run/docker.sock viacmd") {
		t.Errorf("a ProxyCommand host: %v", err)
	}
}

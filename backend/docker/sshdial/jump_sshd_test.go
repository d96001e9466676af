package sshdial_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/crypto/ssh"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/sshdial"
)

// jumpSetup is a target sshd reached through a bastion sshd, with the
// bastion behind a proxy that counts and can freeze its connections, and
// a client home whose ~/.ssh/config says so:
//
//	Host bastion: 127.0.0.1, the proxy's port
//	Host target:  127.0.0.1, the target's port, ProxyJump bastion
//
// Both host keys are trusted unless a test says otherwise.
type jumpSetup struct {
	home    *clientHome
	bastion *sshServer
	target  *sshServer
	proxy   *tcpProxy // in front of the bastion
	key     ssh.PublicKey
	socket  string
}

func newJumpSetup(t *testing.T) *jumpSetup {
	t.Helper()
	home := newClientHome(t)
	key := home.NewKey("id_ed25519")
	j := &jumpSetup{home: home, key: key, socket: echoSocket(t)}
	j.bastion = startSSHD(t, []ssh.PublicKey{key}, "AllowTcpForwarding yes")
	j.target = startSSHD(t, []ssh.PublicKey{key})
	j.proxy = newProxy(t, "127.0.0.1:"+strconv.Itoa(j.bastion.Port))
	home.Append("config", j.config())
	return j
}

// config is the ~/.ssh/config that names the bastion and the target.
func (j *jumpSetup) config() string {
	return fmt.Sprintf(`Host bastion
    HostName 127.0.0.1
    Port %d
Host target
    HostName 127.0.0.1
    Port %d
    ProxyJump bastion
`, j.proxy.Port(), j.target.Port)
}

func (j *jumpSetup) trustAll() {
	j.home.Trust(j.proxy.Port(), j.bastion.HostKey)
	j.home.Trust(j.target.Port, j.target.HostKey)
}

// bastionLabel is how errors name the bastion.
func (j *jumpSetup) bastionLabel() string {
	return fmt.Sprintf("via jump host bastion (127.0.0.1:%d)", j.proxy.Port())
}

// waitFor polls cond until it holds or the watchdog fires.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(watchdog)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("%s: not within %s", what, watchdog)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// sessions counts the processes sshd forked for client connections.
func sessions(s *sshServer) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return 0
	}
	return len(descendants(s.cmd.Process.Pid))
}

func TestDialThroughAJumpHostAndCloseReleasesTheChain(t *testing.T) {
	j := newJumpSetup(t)
	j.trustAll()
	before := goleak.IgnoreCurrent()
	d := sshdial.New(sshdial.Options{Getenv: j.home.Getenv})
	t.Cleanup(func() { _ = d.Close() })

	for range 2 {
		c, err := d.DialURL(t.Context(), "ssh://target"+j.socket)
		if err != nil {
			t.Fatalf("dial through the bastion: %v", err)
		}
		ping(t, c)
		defer c.Close()
	}
	if n := j.proxy.Accepted(); n != 1 {
		t.Errorf("connections to the bastion: %d, want 1 (shared by both dials)", n)
	}
	if sessions(j.bastion) == 0 || sessions(j.target) == 0 {
		t.Errorf("sessions: bastion %d, target %d; want both in use", sessions(j.bastion), sessions(j.target))
	}

	// Closing the dialer closes the target's connection and the bastion's
	// under it: the TCP connection ends, both servers' sessions exit, and
	// no goroutine of the chain is left.
	_ = d.Close()
	waitFor(t, "the bastion's TCP connection closes", func() bool { return j.proxy.Live() == 0 })
	waitFor(t, "the sessions end", func() bool { return sessions(j.bastion)+sessions(j.target) == 0 })
	goleak.VerifyNone(t, before)
}

func TestDialThroughTwoJumpHosts(t *testing.T) {
	j := newJumpSetup(t)
	j.trustAll()
	inner := startSSHD(t, []ssh.PublicKey{j.key}, "AllowTcpForwarding yes")
	j.home.Trust(inner.Port, inner.HostKey)
	// "deep" gets its first hop's own ProxyJump in front, as ssh does;
	// "listed" names both hops, the second as user@host:port.
	j.home.Append("config", fmt.Sprintf(`Host inner
    HostName 127.0.0.1
    Port %d
    ProxyJump bastion
Host deep listed
    HostName 127.0.0.1
    Port %d
Host deep
    ProxyJump inner
Host listed
    ProxyJump bastion,%s@127.0.0.1:%d
`, inner.Port, j.target.Port, inner.User, inner.Port))
	d := newDialer(t, sshdial.Options{Getenv: j.home.Getenv})
	for i, alias := range []string{"deep", "listed"} {
		c, err := d.DialURL(t.Context(), "ssh://"+alias+j.socket)
		if err != nil {
			t.Fatalf("%s: %v", alias, err)
		}
		ping(t, c)
		_ = c.Close()
		if n := j.proxy.Accepted(); n != i+1 {
			t.Errorf("%s: connections to the bastion: %d, want %d", alias, n, i+1)
		}
	}
}

func TestJumpHostKeysAndLoginsAreChecked(t *testing.T) {
	j := newJumpSetup(t)
	d := newDialer(t, sshdial.Options{Getenv: j.home.Getenv})
	dial := func() error {
		c, err := d.DialURL(t.Context(), "ssh://target"+j.socket)
		if c != nil {
			_ = c.Close()
		}
		return err
	}

	// The bastion's key is unknown: refused, naming the bastion, with a
	// hint that reaches it directly.
	err := dial()
	hint := fmt.Sprintf("ssh-keyscan -p %d 127.0.0.1", j.proxy.Port())
	if !errors.Is(err, sshdial.ErrHostKeyUnknown) || !errors.Is(err, backend.ErrUnauthorized) ||
		!strings.Contains(err.Error(), j.bastionLabel()) || !strings.Contains(err.Error(), hint) ||
		!strings.Contains(err.Error(), ssh.FingerprintSHA256(j.bastion.HostKey)) {
		t.Fatalf("an unknown bastion: %v", err)
	}
	t.Logf("unknown bastion: %v", err)

	// Known bastion, unknown target: refused, naming no jump host, with a
	// hint that goes through the bastion.
	j.home.Trust(j.proxy.Port(), j.bastion.HostKey)
	err = dial()
	if !errors.Is(err, sshdial.ErrHostKeyUnknown) || strings.Contains(err.Error(), "via jump host") ||
		!strings.Contains(err.Error(), "ssh -J bastion") || !strings.Contains(err.Error(), ssh.FingerprintSHA256(j.target.HostKey)) {
		t.Fatalf("an unknown target behind the bastion: %v", err)
	}
	t.Logf("unknown target: %v", err)
	j.home.Trust(j.target.Port, j.target.HostKey)
	if err := dial(); err != nil {
		t.Fatalf("both keys known: %v", err)
	}

	// A bastion whose key changed.
	changed := newClientHome(t)
	changed.NewKey("id_ed25519")
	changed.Append("config", j.config())
	changed.Trust(j.proxy.Port(), j.target.HostKey) // not the bastion's key
	_, err = newDialer(t, sshdial.Options{Getenv: changed.Getenv}).DialURL(t.Context(), "ssh://target"+j.socket)
	if !errors.Is(err, sshdial.ErrHostKeyChanged) || !errors.Is(err, backend.ErrUnauthorized) ||
		!strings.Contains(err.Error(), j.bastionLabel()) || !strings.Contains(err.Error(), "ssh-keygen -R") {
		t.Errorf("a changed bastion key: %v", err)
	}
}

func TestJumpHostRefusingTheKeyIsExplained(t *testing.T) {
	j := newJumpSetup(t)
	other := newClientHome(t)
	other.NewKey("id_ed25519") // a key neither server trusts
	other.Append("config", j.config())
	other.Trust(j.proxy.Port(), j.bastion.HostKey)
	_, err := newDialer(t, sshdial.Options{Getenv: other.Getenv}).DialURL(t.Context(), "ssh://target"+j.socket)
	if !errors.Is(err, backend.ErrUnauthorized) || !strings.Contains(err.Error(), "refused every key") ||
		!strings.Contains(err.Error(), j.bastionLabel()) {
		t.Errorf("a bastion refusing the key: %v", err)
	}
}

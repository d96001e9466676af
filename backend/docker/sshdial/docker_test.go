package sshdial_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/ssh"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
	"github.com/ohdash/ohdash/backend/docker/sshdial"
)

const waitLong = 30 * time.Second

// engineSocket is the unix socket of the engine the tests use, which the
// SSH server (on the same machine) forwards to.
func engineSocket(t *testing.T, e *dockertest.Env) string {
	t.Helper()
	path, ok := strings.CutPrefix(e.Client.DaemonHost(), "unix://")
	if !ok {
		t.Skipf("skipping: the engine is at %s, not on a unix socket sshd could forward to", e.Client.DaemonHost())
	}
	return path
}

// sshBackend returns a Docker backend for the engine at url (or, when url
// is empty, wherever getenv's docker config points), limited to e's
// sandboxes.
func sshBackend(t *testing.T, e *dockertest.Env, url string, getenv func(string) string) *docker.Backend {
	t.Helper()
	b, err := docker.New(docker.Options{
		Host: url,
		Prefixes: []docker.Prefix{
			{Prefix: e.V1Prefix, Flavor: backend.FlavorAgentServer},
			{Prefix: e.V0Prefix, Flavor: backend.FlavorNestedV0},
		},
		Labels: e.Labels(),
		Spec:   docker.Spec{Image: e.Image},
		Getenv: getenv,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Close() })
	return b
}

// statusOf lists the sandboxes and returns the status of id.
func statusOf(t *testing.T, b *docker.Backend, id string) backend.Status {
	t.Helper()
	list, err := b.List(t.Context())
	if err != nil {
		t.Fatalf("list over SSH: %v", err)
	}
	for _, sb := range list {
		if sb.ID == id {
			return sb.Status
		}
	}
	t.Fatalf("list over SSH: %s missing from %+v", id, list)
	return ""
}

// waitConn reads snapshots until the connection reaches phase (with the
// sandbox listed, for ConnLive).
func waitConn(t *testing.T, ch <-chan backend.Snapshot, phase backend.ConnPhase, id string) backend.Snapshot {
	t.Helper()
	deadline := time.After(waitLong)
	var last backend.Snapshot
	for {
		select {
		case s, ok := <-ch:
			if !ok {
				t.Fatalf("waiting for %s: watch closed", phase)
			}
			last = s
			if s.Conn.Phase != phase {
				continue
			}
			if phase != backend.ConnLive {
				return s
			}
			for _, sb := range s.Sandboxes {
				if sb.ID == id {
					return s
				}
			}
		case <-deadline:
			t.Fatalf("waiting for %s: last snapshot conn=%s err=%v, %d sandboxes", phase, last.Conn.Phase, last.Conn.Err, len(last.Sandboxes))
		}
	}
}

// sandboxOverSSH starts a sandbox container and an SSH server, and
// returns a client home that has a key the server accepts and knows the
// server's host key.
func sandboxOverSSH(t *testing.T) (e *dockertest.Env, home *clientHome, srv *sshServer, name string) {
	t.Helper()
	e = dockertest.New(t)
	home = newClientHome(t)
	srv = startSSHD(t, []ssh.PublicKey{home.NewKey("id_ed25519")})
	home.Trust(srv.Port, srv.HostKey)
	_, name = e.Run(t, dockertest.RunOptions{})
	return e, home, srv, name
}

func TestDockerBackendOverSSH(t *testing.T) {
	e, home, srv, name := sandboxOverSSH(t)

	b := sshBackend(t, e, srv.URL(engineSocket(t, e)), home.Getenv)
	if ep := b.Endpoint(); ep.Scheme != "ssh" || ep.Path != engineSocket(t, e) {
		t.Errorf("endpoint: %+v", ep)
	}
	if st := statusOf(t, b, name); st != backend.StatusRunning && st != backend.StatusStarting {
		t.Fatalf("%s is %s over SSH", name, st)
	}
	ctx := t.Context()
	if err := b.Pause(ctx, name); err != nil {
		t.Fatalf("pause over SSH: %v", err)
	}
	if st := statusOf(t, b, name); st != backend.StatusPaused {
		t.Errorf("after pause: %s", st)
	}
	if err := b.Resume(ctx, name); err != nil {
		t.Fatalf("resume over SSH: %v", err)
	}

	// The server going away shows as reconnecting; its return, as live.
	wctx, cancel := context.WithCancel(context.Background())
	ch := b.Watch(wctx)
	defer func() {
		cancel()
		for range ch {
		}
	}()
	waitConn(t, ch, backend.ConnLive, name)
	srv.Kill()
	s := waitConn(t, ch, backend.ConnReconnecting, name)
	if !errors.Is(s.Conn.Err, backend.ErrUnavailable) {
		t.Errorf("reconnecting with %v, want ErrUnavailable", s.Conn.Err)
	}
	t.Logf("server gone: %v", s.Conn.Err)
	srv.Start()
	waitConn(t, ch, backend.ConnLive, name)
}

func TestDockerBackendRefusesAnUnknownHostUntilItIsAdded(t *testing.T) {
	e := dockertest.New(t)
	home := newClientHome(t)
	srv := startSSHD(t, []ssh.PublicKey{home.NewKey("id_ed25519")})
	b := sshBackend(t, e, srv.URL(engineSocket(t, e)), home.Getenv)

	_, err := b.List(t.Context())
	if !errors.Is(err, sshdial.ErrHostKeyUnknown) || !errors.Is(err, backend.ErrUnauthorized) {
		t.Fatalf("an unknown host: %v", err)
	}
	t.Logf("unknown host: %v", err)
	knownHosts := filepath.Join(home.SSHDir(), "known_hosts")
	hint := fmt.Sprintf("ssh-keyscan -p %d 127.0.0.1 >> %s", srv.Port, knownHosts)
	if !strings.Contains(err.Error(), hint) || !strings.Contains(err.Error(), ssh.FingerprintSHA256(srv.HostKey)) {
		t.Fatalf("the refusal should say what to do (%q) and show the fingerprint: %v", hint, err)
	}

	// Doing what the message says makes the next request work.
	if _, err := exec.LookPath("ssh-keyscan"); err != nil {
		home.Trust(srv.Port, srv.HostKey)
	} else {
		out, err := exec.Command("ssh-keyscan", "-p", strconv.Itoa(srv.Port), "127.0.0.1").Output()
		if err != nil {
			t.Fatalf("ssh-keyscan: %v", err)
		}
		home.Append("known_hosts", string(out))
	}
	if _, err := b.List(t.Context()); err != nil {
		t.Fatalf("after adding the host key: %v", err)
	}
}

func TestDockerBackendRefusesAWrongKeyOrAChangedHost(t *testing.T) {
	e := dockertest.New(t)
	home := newClientHome(t)
	authorized := newClientHome(t).NewKey("id_ed25519") // not the key home has
	srv := startSSHD(t, []ssh.PublicKey{authorized})
	pub := home.NewKey("id_ed25519")
	home.Trust(srv.Port, srv.HostKey)

	_, err := sshBackend(t, e, srv.URL(engineSocket(t, e)), home.Getenv).List(t.Context())
	if !errors.Is(err, backend.ErrUnauthorized) || errors.Is(err, sshdial.ErrHostKeyUnknown) ||
		!strings.Contains(err.Error(), "refused every key") || !strings.Contains(err.Error(), ssh.FingerprintSHA256(pub)) {
		t.Errorf("a key the server does not accept: %v", err)
	}

	t.Logf("wrong key: %v", err)
	changed := newClientHome(t)
	changed.NewKey("id_ed25519")
	changed.Trust(srv.Port, authorized) // any other key than the server's
	_, err = sshBackend(t, e, srv.URL(engineSocket(t, e)), changed.Getenv).List(t.Context())
	if !errors.Is(err, sshdial.ErrHostKeyChanged) || !errors.Is(err, backend.ErrUnauthorized) ||
		!strings.Contains(err.Error(), "ssh-keygen -R") {
		t.Errorf("a changed host key: %v", err)
	}
	t.Logf("changed host key: %v", err)
}

func TestDockerContextWithAnSSHEndpoint(t *testing.T) {
	e, home, srv, name := sandboxOverSSH(t)

	// What `docker context create remote --docker host=ssh://...` and
	// `docker context use remote` write.
	cfg := filepath.Join(home.Dir, ".docker")
	sum := sha256.Sum256([]byte("remote"))
	meta := filepath.Join(cfg, "contexts", "meta", hex.EncodeToString(sum[:]))
	if err := os.MkdirAll(meta, 0o700); err != nil {
		t.Fatal(err)
	}
	mustWrite(t, filepath.Join(meta, "meta.json"), fmt.Sprintf(
		`{"Name":"remote","Metadata":{},"Endpoints":{"docker":{"Host":%q,"SkipTLSVerify":false}}}`, srv.URL(engineSocket(t, e))))
	mustWrite(t, filepath.Join(cfg, "config.json"), `{"currentContext":"remote"}`)
	home.Setenv("DOCKER_CONFIG", cfg)

	b := sshBackend(t, e, "", home.Getenv)
	if ep := b.Endpoint(); ep.Scheme != "ssh" || ep.Source != "context remote" {
		t.Fatalf("endpoint from the context: %+v", ep)
	}
	if st := statusOf(t, b, name); st == "" {
		t.Fatal("no status")
	}
}

func TestDockerBackendThroughAJumpHost(t *testing.T) {
	e, home, srv, name := sandboxOverSSH(t)
	bastion := startSSHD(t, []ssh.PublicKey{home.NewKey("bastion_key")}, "AllowTcpForwarding yes")
	home.Trust(bastion.Port, bastion.HostKey)
	home.Append("config", fmt.Sprintf(`Host bastion
    HostName 127.0.0.1
    Port %d
    IdentityFile ~/.ssh/bastion_key
Host engine-host
    HostName 127.0.0.1
    Port %d
    ProxyJump bastion
`, bastion.Port, srv.Port))

	b := sshBackend(t, e, "ssh://engine-host"+engineSocket(t, e), home.Getenv)
	if st := statusOf(t, b, name); st != backend.StatusRunning && st != backend.StatusStarting {
		t.Fatalf("%s is %s through the bastion", name, st)
	}
	if err := b.Pause(t.Context(), name); err != nil {
		t.Fatalf("pause through the bastion: %v", err)
	}
	if st := statusOf(t, b, name); st != backend.StatusPaused {
		t.Errorf("after pause: %s", st)
	}
	if err := b.Resume(t.Context(), name); err != nil {
		t.Fatalf("resume through the bastion: %v", err)
	}
}

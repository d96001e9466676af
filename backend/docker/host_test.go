package docker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

func TestParseHost(t *testing.T) {
	cases := []struct{ in, host, scheme, addr string }{
		{"unix:///var/run/docker.sock", "unix:///var/run/docker.sock", "unix", "/var/run/docker.sock"},
		{"/var/run/docker.sock", "unix:///var/run/docker.sock", "unix", "/var/run/docker.sock"},
		{"  /run/user/1000/docker.sock ", "unix:///run/user/1000/docker.sock", "unix", "/run/user/1000/docker.sock"},
		{"tcp://1.2.3.4:2375", "tcp://1.2.3.4:2375", "tcp", "1.2.3.4:2375"},
		{"1.2.3.4:2375", "tcp://1.2.3.4:2375", "tcp", "1.2.3.4:2375"},
		{"localhost:2375", "tcp://localhost:2375", "tcp", "localhost:2375"},
		{"TCP://docker.example.com", "tcp://docker.example.com:2375", "tcp", "docker.example.com:2375"},
		{"tcp://:2375", "tcp://localhost:2375", "tcp", "localhost:2375"},
		{"[::1]:2376", "tcp://[::1]:2376", "tcp", "[::1]:2376"},
		{"tcp://10.0.0.1:2375/proxy/", "tcp://10.0.0.1:2375/proxy", "tcp", "10.0.0.1:2375"},
		{"ssh://me@build-box", "ssh://me@build-box", "ssh", "me@build-box"},
		{"ssh://me@build-box:2222", "ssh://me@build-box:2222", "ssh", "me@build-box:2222"},
		{"SSH://box/run/user/1000/docker.sock", "ssh://box/run/user/1000/docker.sock", "ssh", "box"},
	}
	for _, c := range cases {
		ep, err := ParseHost(c.in)
		if err != nil {
			t.Errorf("ParseHost(%q): %v", c.in, err)
			continue
		}
		if ep.Host != c.host || ep.Scheme != c.scheme || ep.Addr != c.addr {
			t.Errorf("ParseHost(%q) = %+v, want %s %s %s", c.in, ep, c.host, c.scheme, c.addr)
		}
	}
	for _, bad := range []string{
		"", "   ", "tcp://", "unix://", "unix://relative.sock", "http://host:2375", "foo bar",
		"tcp://host:notaport", "host:99999", "tcp://host:0", "://x", "npipe:////./pipe/docker_engine",
	} {
		_, err := ParseHost(bad)
		if !errors.Is(err, errBadHost) || !strings.Contains(err.Error(), "use unix:///path") {
			t.Errorf("ParseHost(%q) = %v, want a clear invalid-host error", bad, err)
		}
	}
	for _, bad := range []string{"ssh://", "ssh://me:secret@box", "ssh://box:0", "ssh://box?x=1"} {
		_, err := ParseHost(bad)
		if !errors.Is(err, errBadHost) || !strings.Contains(err.Error(), "want ssh://[user@]host") {
			t.Errorf("ParseHost(%q) = %v, want a clear invalid-ssh-host error", bad, err)
		}
	}
	if ep, _ := ParseHost("ssh://box/run/d.sock"); ep.Path != "/run/d.sock" {
		t.Errorf("the remote socket should be kept in Path: %+v", ep)
	}
}

// writeContext stores a docker CLI context the way `docker context create`
// does and returns its TLS directory.
func writeContext(t *testing.T, cfgDir, name, host string, tls bool) {
	t.Helper()
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	meta := filepath.Join(cfgDir, "contexts", "meta", id)
	if err := os.MkdirAll(meta, 0o755); err != nil {
		t.Fatal(err)
	}
	js := `{"Name":"` + name + `","Metadata":{"Description":"x"},"Endpoints":{"docker":{"Host":"` + host + `","SkipTLSVerify":false}}}`
	if err := os.WriteFile(filepath.Join(meta, "meta.json"), []byte(js), 0o644); err != nil {
		t.Fatal(err)
	}
	if tls {
		dir := filepath.Join(cfgDir, "contexts", "tls", id, "docker")
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
			if err := os.WriteFile(filepath.Join(dir, f), []byte("x"), 0o600); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func TestResolveEndpointLikeTheDockerCLI(t *testing.T) {
	cfg := t.TempDir()
	writeContext(t, cfg, "remote", "tcp://10.1.2.3:2376", true)
	writeContext(t, cfg, "other", "unix:///run/other.sock", false)
	writeContext(t, cfg, "broken", "not a host", false)
	if err := os.WriteFile(filepath.Join(cfg, "config.json"), []byte(`{"auths":{},"currentContext":"remote"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := func(kv ...string) func(string) string {
		m := map[string]string{"DOCKER_CONFIG": cfg}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) string { return m[k] }
	}
	cases := []struct {
		name, host, ctx string
		getenv          func(string) string
		want, source    string
		tls             bool
	}{
		{"current context from config.json", "", "", env(), "tcp://10.1.2.3:2376", "context remote", true},
		{"DOCKER_CONTEXT beats currentContext", "", "", env("DOCKER_CONTEXT", "other"), "unix:///run/other.sock", "context other", false},
		{"DOCKER_HOST beats DOCKER_CONTEXT", "", "", env("DOCKER_CONTEXT", "other", "DOCKER_HOST", "tcp://h:1"), "tcp://h:1", "DOCKER_HOST", false},
		{"explicit context beats DOCKER_HOST", "", "other", env("DOCKER_HOST", "tcp://h:1"), "unix:///run/other.sock", "context other", false},
		{"explicit host beats everything", "/tmp/x.sock", "other", env("DOCKER_HOST", "tcp://h:1"), "unix:///tmp/x.sock", "option", false},
		{"default context name", "", "", env("DOCKER_CONTEXT", "default"), DefaultSocket, "context default", false},
		{"no config at all", "", "", func(k string) string {
			if k == "DOCKER_CONFIG" {
				return filepath.Join(cfg, "missing")
			}
			return ""
		}, DefaultSocket, "default", false},
	}
	for _, c := range cases {
		ep, err := ResolveEndpoint(c.host, c.ctx, c.getenv)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if ep.Host != c.want || ep.Source != c.source || (ep.TLS != nil) != c.tls {
			t.Errorf("%s: got %+v, want %s from %s tls=%v", c.name, ep, c.want, c.source, c.tls)
		}
	}
	ep, _ := ResolveEndpoint("", "", env())
	if ep.TLS == nil || !strings.HasSuffix(ep.TLS.CA, "ca.pem") || ep.TLS.SkipVerify {
		t.Errorf("context TLS files: %+v", ep.TLS)
	}
	for name, getenv := range map[string]func(string) string{
		"missing context": env("DOCKER_CONTEXT", "nope"),
		"bad host":        env("DOCKER_CONTEXT", "broken"),
		"bad DOCKER_HOST": env("DOCKER_HOST", "tcp://:x"),
	} {
		if _, err := ResolveEndpoint("", "", getenv); err == nil {
			t.Errorf("%s: want an error", name)
		}
	}
}

func TestEnvTLS(t *testing.T) {
	certs := t.TempDir()
	for _, f := range []string{"ca.pem", "cert.pem", "key.pem"} {
		_ = os.WriteFile(filepath.Join(certs, f), []byte("x"), 0o600)
	}
	getenv := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	ep, err := ResolveEndpoint("", "", getenv(map[string]string{
		"DOCKER_HOST": "tcp://h", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs,
	}))
	if err != nil || ep.TLS == nil || ep.TLS.SkipVerify || ep.Host != "tcp://h:2376" || ep.TLS.Key == "" {
		t.Errorf("TLS verify: %+v %v", ep, err)
	}
	ep, _ = ResolveEndpoint("", "", getenv(map[string]string{"DOCKER_HOST": "tcp://h:1", "DOCKER_CERT_PATH": certs}))
	if ep.TLS == nil || !ep.TLS.SkipVerify {
		t.Errorf("cert path without verify should skip verification: %+v", ep.TLS)
	}
	ep, _ = ResolveEndpoint("", "", getenv(map[string]string{"DOCKER_HOST": "unix:///s", "DOCKER_TLS_VERIFY": "1", "DOCKER_CERT_PATH": certs}))
	if ep.TLS != nil {
		t.Errorf("unix sockets never use TLS: %+v", ep.TLS)
	}
}

func TestSSHHostsUseTheBuiltInDialerUnlessOneIsPlugged(t *testing.T) {
	// The built-in dialer connects nothing until the first request.
	b, err := New(Options{Host: "ssh://me@box"})
	if err != nil {
		t.Fatalf("ssh:// with the built-in dialer: %v", err)
	}
	if err := b.Close(); err != nil {
		t.Fatalf("close: %v", err)
	}
	errTunnel := errors.New("no tunnel")
	var dialed Endpoint
	b, err = New(Options{Host: "ssh://me@box/run/d.sock", Dialers: map[string]Dialer{
		"ssh": func(_ context.Context, ep Endpoint) (net.Conn, error) { dialed = ep; return nil, errTunnel },
	}})
	if err != nil {
		t.Fatalf("with an ssh dialer: %v", err)
	}
	defer b.Close()
	if _, err := b.List(t.Context()); !errors.Is(err, errTunnel) || !errors.Is(err, backend.ErrUnavailable) {
		t.Errorf("List through a failing plugged dialer: %v", err)
	}
	if dialed.Host != "ssh://me@box/run/d.sock" {
		t.Errorf("the plugged dialer got %+v", dialed)
	}
	if _, err := New(Options{Host: "tcp://h:1", URLPattern: "http://localhost"}); err == nil {
		t.Error("a URL pattern without {port} should be refused")
	}
}

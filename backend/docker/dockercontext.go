package docker

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ResolveEndpoint finds the engine to talk to the way the docker CLI does:
// an explicit host, then an explicit context, then DOCKER_HOST, then
// DOCKER_CONTEXT, then currentContext in $DOCKER_CONFIG/config.json
// (default ~/.docker), then the standard socket, or a usual Podman socket
// when no Docker engine answers there (defaultEndpoint). getenv reads the
// environment (os.Getenv when nil).
func ResolveEndpoint(host, contextName string, getenv func(string) string) (Endpoint, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	withEnvTLS := func(raw, source string) (Endpoint, error) {
		return endpoint(raw, envTLS(getenv), source)
	}
	switch {
	case host != "":
		return withEnvTLS(host, "option")
	case contextName != "":
		return loadContext(getenv, contextName)
	case getenv("DOCKER_HOST") != "":
		return withEnvTLS(getenv("DOCKER_HOST"), "DOCKER_HOST")
	case getenv("DOCKER_CONTEXT") != "":
		return loadContext(getenv, getenv("DOCKER_CONTEXT"))
	}
	current, err := currentContext(getenv)
	if err != nil {
		return Endpoint{}, err
	}
	if current != "" {
		return loadContext(getenv, current)
	}
	return defaultEndpoint(getenv, socketAnswers)
}

// configDir is $DOCKER_CONFIG, or ~/.docker.
func configDir(getenv func(string) string) string {
	if d := getenv("DOCKER_CONFIG"); d != "" {
		return d
	}
	home := getenv("HOME")
	if home == "" {
		home, _ = os.UserHomeDir()
	}
	return filepath.Join(home, ".docker")
}

// envTLS reads DOCKER_TLS_VERIFY, DOCKER_TLS and DOCKER_CERT_PATH: TLS is on
// when any is set; the server is verified only with DOCKER_TLS_VERIFY.
func envTLS(getenv func(string) string) *TLSFiles {
	verify := getenv("DOCKER_TLS_VERIFY") != ""
	certPath := getenv("DOCKER_CERT_PATH")
	if certPath == "" && !verify && getenv("DOCKER_TLS") == "" {
		return nil
	}
	if certPath == "" {
		certPath = configDir(getenv)
	}
	t := tlsFilesIn(certPath)
	t.SkipVerify = !verify
	return &t
}

// tlsFilesIn names the ca.pem, cert.pem and key.pem present in dir.
func tlsFilesIn(dir string) TLSFiles {
	var t TLSFiles
	for name, dst := range map[string]*string{"ca.pem": &t.CA, "cert.pem": &t.Cert, "key.pem": &t.Key} {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err == nil {
			*dst = p
		}
	}
	return t
}

// currentContext reads currentContext from the docker CLI config; a
// missing file means none.
func currentContext(getenv func(string) string) (string, error) {
	path := filepath.Join(configDir(getenv), "config.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read docker config: %w", err)
	}
	var cfg struct {
		CurrentContext string `json:"currentContext"`
	}
	if err := json.Unmarshal(b, &cfg); err != nil {
		return "", fmt.Errorf("docker config %s: %w", path, err)
	}
	return cfg.CurrentContext, nil
}

// contextMeta is the part of a docker context's meta.json that matters.
type contextMeta struct {
	Name      string `json:"Name"`
	Endpoints map[string]struct {
		Host          string `json:"Host"`
		SkipTLSVerify bool   `json:"SkipTLSVerify"`
	} `json:"Endpoints"`
}

// loadContext reads a docker context from the CLI's context store:
// contexts/meta/<sha256(name)>/meta.json, with TLS material under
// contexts/tls/<sha256(name)>/docker/. "default" is the standard socket.
func loadContext(getenv func(string) string, name string) (Endpoint, error) {
	source := "context " + name
	if name == "default" {
		ep, err := parseHost(DefaultSocket, false)
		ep.Source = source
		return ep, err
	}
	sum := sha256.Sum256([]byte(name))
	id := hex.EncodeToString(sum[:])
	dir := configDir(getenv)
	path := filepath.Join(dir, "contexts", "meta", id, "meta.json")
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return Endpoint{}, fmt.Errorf("docker context %q not found (no %s)", name, path)
	}
	if err != nil {
		return Endpoint{}, fmt.Errorf("docker context %q: %w", name, err)
	}
	var meta contextMeta
	if err := json.Unmarshal(b, &meta); err != nil {
		return Endpoint{}, fmt.Errorf("docker context %q: %s: %w", name, path, err)
	}
	dockerEP, ok := meta.Endpoints["docker"]
	if !ok || dockerEP.Host == "" {
		return Endpoint{}, fmt.Errorf("docker context %q has no docker endpoint host", name)
	}
	tlsDir := filepath.Join(dir, "contexts", "tls", id, "docker")
	var tls *TLSFiles
	if _, err := os.Stat(tlsDir); err == nil {
		t := tlsFilesIn(tlsDir)
		t.SkipVerify = dockerEP.SkipTLSVerify
		tls = &t
	}
	return endpoint(dockerEP.Host, tls, source)
}

// endpoint parses a host and attaches its TLS files (tcp only) and source.
func endpoint(raw string, tls *TLSFiles, source string) (Endpoint, error) {
	ep, err := parseHost(raw, tls != nil)
	if err != nil {
		return Endpoint{}, fmt.Errorf("%s: %w", source, err)
	}
	if ep.Scheme == "tcp" {
		ep.TLS = tls
	}
	ep.Source = source
	return ep, nil
}

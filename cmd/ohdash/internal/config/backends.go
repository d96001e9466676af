package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sanitize"
)

// Environment variables OpenHands itself uses for the runtime API; ohdash
// reads them for its implicit remote backend.
const (
	EnvRemoteURL    = "SANDBOX_REMOTE_RUNTIME_API_URL"
	EnvRemoteAPIKey = "SANDBOX_API_KEY"
)

// Default backend names.
const (
	DefaultDockerName = "docker"
	DefaultRemoteName = "remote"
)

// resolveBackends adds the implicit backends, names unnamed ones, checks
// that names are unique, and reads secrets from their files or variables.
func (c *Config) resolveBackends(getenv func(string) string) error {
	if !c.Meta.dockerInFile {
		c.Docker = []DockerConfig{{Name: DefaultDockerName}}
		c.Meta.Implicit[DefaultDockerName] = "the local Docker engine (DOCKER_HOST, DOCKER_CONTEXT or the docker CLI's current context)"
	}
	if !c.Meta.remoteInFile {
		if u := strings.TrimSpace(getenv(EnvRemoteURL)); u != "" {
			c.Remote = []RemoteConfig{{Name: DefaultRemoteName, URL: u, APIKeyEnv: EnvRemoteAPIKey}}
			c.Meta.Implicit[DefaultRemoteName] = "OpenHands' " + EnvRemoteURL + " and " + EnvRemoteAPIKey
		}
	}
	seen := map[string]string{}
	claim := func(name, what string) error {
		if name == "" {
			return fmt.Errorf("%severy %s backend needs a name when there are several", c.lineOf(what), what)
		}
		if strings.ContainsAny(name, "/ \t") || !printableName(name) {
			return fmt.Errorf("%sbackend name %+q: printable characters only, no spaces or slashes", c.lineOf(what), name)
		}
		if prev, dup := seen[name]; dup {
			return fmt.Errorf("%sbackend name %q is used twice (%s and %s)", c.lineOf(what), name, prev, what)
		}
		seen[name] = what
		return nil
	}
	for i := range c.Docker {
		d := &c.Docker[i]
		if d.Name == "" && len(c.Docker) == 1 {
			d.Name = DefaultDockerName
		}
		if err := claim(d.Name, "docker"); err != nil {
			return err
		}
		s, err := c.secret(getenv, "docker", d.Name, "jwt_secret", d.JWTSecret, d.JWTSecretFile, d.JWTSecretEnv)
		if err != nil {
			return err
		}
		d.JWTSecret = s
		d.JWTSecretFile = expandHome(d.JWTSecretFile, c.Meta.Home)
	}
	for i := range c.Remote {
		r := &c.Remote[i]
		if r.Name == "" && len(c.Remote) == 1 {
			r.Name = DefaultRemoteName
		}
		if err := claim(r.Name, "remote"); err != nil {
			return err
		}
		if strings.TrimSpace(r.URL) == "" {
			return fmt.Errorf("%sremote backend %q has no url", c.lineOf("remote"), r.Name)
		}
		s, err := c.secret(getenv, "remote", r.Name, "api_key", r.APIKey, r.APIKeyFile, r.APIKeyEnv)
		if err != nil {
			return err
		}
		if s.IsZero() {
			return fmt.Errorf("%sremote backend %q has no API key: set api_key_file (or api_key_env, or api_key)", c.lineOf("remote"), r.Name)
		}
		r.APIKey = s
		r.APIKeyFile = expandHome(r.APIKeyFile, c.Meta.Home)
	}
	if err := c.resolveOpenHands(getenv, claim); err != nil {
		return err
	}
	c.rememberSecrets(getenv)
	if c.Backend != "" {
		if _, ok := seen[c.Backend]; !ok {
			return fmt.Errorf("backend %q (from %s) is not configured; backends: %s", c.Backend, c.Meta.Sources["backend"], strings.Join(c.BackendNames(), ", "))
		}
	}
	return nil
}

// secret returns a credential given inline, in a file or in a variable;
// at most one of the three may be set.
func (c *Config) secret(getenv func(string) string, kind, name, key string, inline Secret, file, env string) (Secret, error) {
	n := 0
	for _, set := range []bool{!inline.IsZero(), file != "", env != ""} {
		if set {
			n++
		}
	}
	where := fmt.Sprintf("%s backend %q", kind, name)
	if n > 1 {
		return Secret{}, fmt.Errorf("%s%s: set only one of %s, %s_file and %s_env", c.lineOf(kind), where, key, key, key)
	}
	switch {
	case file != "":
		path := expandHome(file, c.Meta.Home)
		b, err := readBounded(path, maxSecretBytes)
		if err != nil {
			return Secret{}, fmt.Errorf("%s%s: %s_file: %w", c.lineOf(kind), where, key, err)
		}
		v := strings.TrimSpace(string(b))
		if v == "" {
			return Secret{}, fmt.Errorf("%s%s: %s_file %s is empty", c.lineOf(kind), where, key, path)
		}
		return Secret{backend.NewSecret(v)}, nil
	case env != "":
		return Secret{backend.NewSecret(strings.TrimSpace(getenv(env)))}, nil
	}
	return inline, nil
}

// BackendNames lists the configured backends, Docker ones first.
func (c *Config) BackendNames() []string {
	var out []string
	for _, d := range c.Docker {
		out = append(out, d.Name)
	}
	for _, r := range c.Remote {
		out = append(out, r.Name)
	}
	for _, o := range c.OpenHands {
		out = append(out, o.Name)
	}
	return out
}

// ErrNoBackend is returned when a name matches no backend.
var ErrNoBackend = errors.New("no such backend")

// printableName reports whether a backend name holds only characters that
// print as themselves: it appears in every row, error and the status bar.
func printableName(name string) bool {
	if len(name) > 64 || !utf8.ValidString(name) {
		return false
	}
	for _, r := range name {
		if !unicode.IsPrint(r) || sanitize.UnsafeRune(r) {
			return false
		}
	}
	return true
}

package config

import "github.com/ohdash/ohdash/backend"

// dockerEnvHost is the Docker CLI's engine address variable, read by the
// Docker backend; a tcp:// or ssh:// address may carry a password.
const dockerEnvHost = "DOCKER_HOST"

// rememberSecrets registers the credentials that configured URLs carry
// (a runtime API URL's password or token parameter, a Docker host's
// password), so every output path masks them wherever they reappear: in
// an error that quotes a host name, a log line, a label.
func (c *Config) rememberSecrets(getenv func(string) string) {
	backend.RememberURLSecrets(getenv(dockerEnvHost))
	backend.RememberURLSecrets(getenv(EnvRemoteURL))
	for _, d := range c.Docker {
		backend.RememberURLSecrets(d.Host)
	}
	for _, r := range c.Remote {
		backend.RememberURLSecrets(r.URL)
	}
}

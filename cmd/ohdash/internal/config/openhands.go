package config

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// Environment variables OpenHands' own tools use for OpenHands Cloud (or
// a self-hosted app-server); ohdash reads them for its implicit
// app-server backend.
const (
	EnvCloudURL    = "OPENHANDS_CLOUD_URL"
	EnvCloudAPIKey = "OPENHANDS_CLOUD_API_KEY"
	EnvAPIKey      = "OPENHANDS_API_KEY"
)

// DefaultOpenHandsName is the name of an unnamed app-server backend.
const DefaultOpenHandsName = "openhands"

// DefaultCloudURL is OpenHands Cloud, the default app-server URL.
const DefaultCloudURL = "https://app.all-hands.dev"

// OpenHandsConfig is one [[openhands]] entry: an OpenHands app-server
// (OpenHands Cloud or a self-hosted OpenHands) reached with an API key.
type OpenHandsConfig struct {
	Name string `toml:"name" json:"name,omitempty"`
	// URL is the app-server's base URL (default OpenHands Cloud).
	URL string `toml:"url" json:"url,omitempty"`
	// APIKey is sent as Bearer and X-Session-API-Key; prefer APIKeyFile
	// or APIKeyEnv. A self-hosted app-server without SESSION_API_KEY
	// needs none.
	APIKey     Secret `toml:"api_key" json:"api_key,omitzero"`
	APIKeyFile string `toml:"api_key_file" json:"api_key_file,omitempty"`
	APIKeyEnv  string `toml:"api_key_env" json:"api_key_env,omitempty"`
}

// resolveOpenHands adds the implicit app-server backend from the
// environment, names an unnamed entry, and reads the keys; claim checks
// names across all backends.
func (c *Config) resolveOpenHands(getenv func(string) string, claim func(name, what string) error) error {
	if !c.Meta.openhandsInFile {
		env := EnvCloudAPIKey
		if strings.TrimSpace(getenv(env)) == "" {
			env = EnvAPIKey
		}
		if strings.TrimSpace(getenv(env)) != "" {
			u := strings.TrimSpace(getenv(EnvCloudURL))
			c.OpenHands = []OpenHandsConfig{{Name: DefaultOpenHandsName, URL: u, APIKeyEnv: env}}
			c.Meta.Implicit[DefaultOpenHandsName] = "OpenHands' " + EnvCloudURL + " and " + env
		}
	}
	for i := range c.OpenHands {
		o := &c.OpenHands[i]
		if o.Name == "" && len(c.OpenHands) == 1 {
			o.Name = DefaultOpenHandsName
		}
		if err := claim(o.Name, "openhands"); err != nil {
			return err
		}
		if strings.TrimSpace(o.URL) == "" {
			o.URL = DefaultCloudURL
		}
		s, err := c.secret(getenv, "openhands", o.Name, "api_key", o.APIKey, o.APIKeyFile, o.APIKeyEnv)
		if err != nil {
			return err
		}
		if s.IsZero() && strings.TrimRight(o.URL, "/") == DefaultCloudURL {
			return fmt.Errorf("%sopenhands backend %q: OpenHands Cloud needs an API key: set api_key_env (e.g. %s), api_key_file or api_key", c.lineOf("openhands"), o.Name, EnvCloudAPIKey)
		}
		o.APIKey = s
		o.APIKeyFile = expandHome(o.APIKeyFile, c.Meta.Home)
		backend.RememberURLSecrets(o.URL)
	}
	return nil
}

// printOpenHands writes the [[openhands]] entries as TOML, key masked.
func (c *Config) printOpenHands(p *printer) {
	for _, o := range c.OpenHands {
		p.line("")
		p.kv("[[openhands]]", "", c.Meta.Implicit[o.Name])
		p.kv("name", strconv.Quote(o.Name), "")
		p.kv("url", strconv.Quote(backend.MaskText(o.URL)), "")
		p.secret("api_key", o.APIKey, o.APIKeyFile, o.APIKeyEnv)
	}
}

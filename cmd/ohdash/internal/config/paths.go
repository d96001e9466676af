package config

import (
	"errors"
	"path/filepath"
)

// Files ohdash keeps under its XDG directories.
const (
	AppDir       = "ohdash"
	ConfigName   = "config.toml"
	AuditName    = "audit.log"
	RemoteDBName = "remote.db"
)

// Dirs locates ohdash's configuration and state directories the way the
// XDG base-directory specification says: $XDG_CONFIG_HOME and
// $XDG_STATE_HOME when they are absolute, ~/.config and ~/.local/state
// otherwise.
type Dirs struct {
	Config string
	State  string
}

// errNoHome is returned when neither XDG variables nor a home directory say
// where files go.
var errNoHome = errors.New("no home directory and no XDG_CONFIG_HOME/XDG_STATE_HOME: cannot locate ohdash's files")

// ResolveDirs computes Dirs from the environment; home is the user's home
// directory ("" when unknown).
func ResolveDirs(getenv func(string) string, home string) (Dirs, error) {
	pick := func(envName string, fallback ...string) (string, error) {
		// The spec says a relative path in these variables is invalid and
		// must be ignored.
		if v := getenv(envName); v != "" && filepath.IsAbs(v) {
			return filepath.Join(v, AppDir), nil
		}
		if home == "" {
			return "", errNoHome
		}
		return filepath.Join(append([]string{home}, append(fallback, AppDir)...)...), nil
	}
	cfg, err := pick("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return Dirs{}, err
	}
	state, err := pick("XDG_STATE_HOME", ".local", "state")
	if err != nil {
		return Dirs{}, err
	}
	return Dirs{Config: cfg, State: state}, nil
}

// ConfigFile is the default configuration file.
func (d Dirs) ConfigFile() string { return filepath.Join(d.Config, ConfigName) }

// AuditFile is the default audit log.
func (d Dirs) AuditFile() string { return filepath.Join(d.State, AuditName) }

// RemoteDB is the default state file of remote backends.
func (d Dirs) RemoteDB() string { return filepath.Join(d.State, RemoteDBName) }

// expandHome turns a leading "~/" into the home directory, so paths in the
// file can be written the way people type them.
func expandHome(p, home string) string {
	if home == "" {
		return p
	}
	if p == "~" {
		return home
	}
	if len(p) > 1 && p[0] == '~' && p[1] == '/' {
		return filepath.Join(home, p[2:])
	}
	return p
}

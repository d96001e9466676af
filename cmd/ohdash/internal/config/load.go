package config

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
)

// EnvConfig names the configuration file, like --config.
const EnvConfig = "OHDASH_CONFIG"

// Where a value came from, for `ohdash config`.
const (
	SourceDefault = "default"
	SourceFile    = "file"
)

// Meta records where the effective configuration came from.
type Meta struct {
	// File is the configuration file read, or the default path when none
	// exists there (then FileFound is false).
	File      string
	FileFound bool
	// Sources maps a setting key to "default", "file", "env OHDASH_X" or
	// "flag --x".
	Sources map[string]string
	// Implicit names backends that come from the environment, not the file.
	Implicit map[string]string
	Dirs     Dirs
	Home     string

	loc locator
	// dockerInFile and remoteInFile are set when the file has the key at
	// all, even as an empty list: `docker = []` means "no Docker backend".
	dockerInFile, remoteInFile bool
	openhandsInFile            bool
}

// FlagValue is a setting given on the command line.
type FlagValue struct {
	Key, Value string
}

// LoadOptions say where to look.
type LoadOptions struct {
	// Path is --config ("" means OHDASH_CONFIG, then the XDG default).
	Path string
	// Getenv reads the environment (os.Getenv in main).
	Getenv func(string) string
	// Home is the user's home directory ("" when unknown).
	Home string
	// Flags are the settings given as flags, in command-line order.
	Flags []FlagValue
}

// ErrConfig marks every configuration error, so the command line can
// answer it with the usage exit code.
var ErrConfig = errors.New("configuration error")

// Load builds the effective configuration: defaults, then the file, then
// OHDASH_* variables, then flags. Secrets named by file or variable are
// read here, so a missing key file is reported before anything runs.
func Load(o LoadOptions) (*Config, error) {
	if o.Getenv == nil {
		o.Getenv = func(string) string { return "" }
	}
	dirs, err := ResolveDirs(o.Getenv, o.Home)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c := Default()
	c.Meta = Meta{Sources: map[string]string{}, Implicit: map[string]string{}, Dirs: dirs, Home: o.Home}
	for _, s := range Settings() {
		c.Meta.Sources[s.Key] = SourceDefault
	}
	if err := c.readFile(o); err != nil {
		return nil, err
	}
	for _, s := range Settings() {
		if v := o.Getenv(s.Env); v != "" {
			if err := s.set(&c, v); err != nil {
				return nil, fmt.Errorf("%w: environment variable %s: %w", ErrConfig, s.Env, err)
			}
			c.Meta.Sources[s.Key] = "env " + s.Env
		}
	}
	for _, f := range o.Flags {
		s, ok := Lookup(f.Key)
		if !ok {
			return nil, fmt.Errorf("%w: unknown setting %q", ErrConfig, f.Key)
		}
		if err := s.set(&c, f.Value); err != nil {
			return nil, fmt.Errorf("%w: flag --%s: %w", ErrConfig, s.Flag, err)
		}
		c.Meta.Sources[s.Key] = "flag --" + s.Flag
	}
	c.finishPaths()
	if err := c.validateAlerts(); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if err := c.resolveBackends(o.Getenv); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	if err := c.checkBudget(c.BackendNames()); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrConfig, err)
	}
	return &c, nil
}

// readFile decodes the configuration file over c, if there is one.
func (c *Config) readFile(o LoadOptions) error {
	path, explicit := o.Path, o.Path != ""
	if path == "" {
		if path = o.Getenv(EnvConfig); path != "" {
			explicit = true
		} else {
			path = c.Meta.Dirs.ConfigFile()
		}
	}
	path = expandHome(path, o.Home)
	c.Meta.File = path
	data, err := readBounded(path, maxConfigBytes)
	if errors.Is(err, fs.ErrNotExist) && !explicit {
		return nil
	}
	if err != nil {
		return fmt.Errorf("%w: %w", ErrConfig, err)
	}
	c.Meta.FileFound = true
	c.Meta.loc = newLocator(data)
	md, err := decodeTOML(data, c)
	if err != nil {
		return fileError(path, data, err)
	}
	if extra := md.Undecoded(); len(extra) > 0 {
		var lines []string
		for _, k := range extra {
			lines = append(lines, fmt.Sprintf("%s:%d: unknown key %q", path, c.Meta.loc.line(k), k.String()))
		}
		return fmt.Errorf("%w:\n  %s\n(see `ohdash help config` for the keys ohdash knows)", ErrConfig, strings.Join(lines, "\n  "))
	}
	for _, s := range Settings() {
		if md.IsDefined(strings.Split(s.Key, ".")...) {
			c.Meta.Sources[s.Key] = SourceFile
		}
	}
	c.Meta.dockerInFile, c.Meta.remoteInFile = md.IsDefined("docker"), md.IsDefined("remote")
	c.Meta.openhandsInFile = md.IsDefined("openhands")
	return nil
}

// finishPaths expands ~ and fills in the XDG defaults of file settings.
func (c *Config) finishPaths() {
	h := c.Meta.Home
	c.LogFile = expandHome(c.LogFile, h)
	switch c.AuditLog {
	case "":
		c.AuditLog = c.Meta.Dirs.AuditFile()
	case "off":
	default:
		c.AuditLog = expandHome(c.AuditLog, h)
	}
	if c.StateFile == "" {
		c.StateFile = c.Meta.Dirs.RemoteDB()
	} else {
		c.StateFile = expandHome(c.StateFile, h)
	}
}

// lineOf is the file line of a key, for error messages ("" when unknown).
func (c *Config) lineOf(key ...string) string {
	if n := c.Meta.loc.line(key); n > 0 {
		return fmt.Sprintf("%s:%d: ", c.Meta.File, n)
	}
	return ""
}

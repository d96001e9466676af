package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// env is a fake environment for Load.
type env map[string]string

func (e env) get(k string) string { return e[k] }

func writeFile(t *testing.T, dir, name, body string) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func load(t *testing.T, e env, flags ...FlagValue) (*Config, error) {
	t.Helper()
	return Load(LoadOptions{Getenv: e.get, Home: t.TempDir(), Flags: flags})
}

func TestPrecedenceFileEnvFlag(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, dir, "ohdash/config.toml", `
theme = "light"
readonly = false
mouse = true
[logs]
tail = 10
max_bytes = "1MiB"
[refresh]
remote_poll = "9s"
`)
	e := env{"XDG_CONFIG_HOME": dir, "OHDASH_READONLY": "yes", "OHDASH_THEME": "dark", "OHDASH_LOGS_TAIL": "20"}
	c, err := load(t, e, FlagValue{Key: "theme", Value: "auto"})
	if err != nil {
		t.Fatal(err)
	}
	// theme: file light < env dark < flag auto.
	if c.Theme != "auto" || c.Meta.Sources["theme"] != "flag --theme" {
		t.Errorf("theme = %q from %q, want the flag's auto", c.Theme, c.Meta.Sources["theme"])
	}
	// readonly: file false < env yes.
	if !c.ReadOnly || c.Meta.Sources["readonly"] != "env OHDASH_READONLY" {
		t.Errorf("readonly = %v from %q, want the environment's true", c.ReadOnly, c.Meta.Sources["readonly"])
	}
	if c.Logs.Tail != 20 {
		t.Errorf("logs.tail = %d, want env 20 over file 10", c.Logs.Tail)
	}
	// Only in the file.
	if !c.Mouse || c.Meta.Sources["mouse"] != SourceFile {
		t.Errorf("mouse = %v from %q", c.Mouse, c.Meta.Sources["mouse"])
	}
	if c.Logs.MaxBytes != 1<<20 || c.Refresh.RemotePoll.Std() != 9*time.Second {
		t.Errorf("max_bytes %d, remote_poll %v", c.Logs.MaxBytes, c.Refresh.RemotePoll.Std())
	}
	// Untouched settings keep the defaults and say so.
	if c.Refresh.DockerDebounce.Std() != 250*time.Millisecond || c.Meta.Sources["refresh.docker_debounce"] != SourceDefault {
		t.Errorf("docker_debounce %v from %q", c.Refresh.DockerDebounce.Std(), c.Meta.Sources["refresh.docker_debounce"])
	}
}

func TestConfigPathFromFlagThenEnv(t *testing.T) {
	dir := t.TempDir()
	a := writeFile(t, dir, "a.toml", `theme = "dark"`)
	b := writeFile(t, dir, "b.toml", `theme = "light"`)
	c, err := Load(LoadOptions{Getenv: env{EnvConfig: b}.get, Home: dir})
	if err != nil || c.Theme != "light" || c.Meta.File != b {
		t.Fatalf("OHDASH_CONFIG: theme %v, file %v, err %v", c.Theme, c.Meta.File, err)
	}
	c, err = Load(LoadOptions{Path: a, Getenv: env{EnvConfig: b}.get, Home: dir})
	if err != nil || c.Theme != "dark" {
		t.Fatalf("--config must beat OHDASH_CONFIG: %v %v", c.Theme, err)
	}
	// A file named explicitly must exist; the default one need not.
	if _, err := Load(LoadOptions{Path: filepath.Join(dir, "missing.toml"), Home: dir}); !errors.Is(err, ErrConfig) {
		t.Fatalf("missing explicit file: %v", err)
	}
	c, err = Load(LoadOptions{Getenv: env{"XDG_CONFIG_HOME": filepath.Join(dir, "none")}.get, Home: dir})
	if err != nil || c.Meta.FileFound {
		t.Fatalf("absent default file: %v", err)
	}
}

func TestUnknownKeysAreErrorsWithTheirLine(t *testing.T) {
	dir := t.TempDir()
	p := writeFile(t, dir, "c.toml", "theme = \"dark\"\n\n[logs]\ntail = 5\nmax_line = 3\n\n[[docker]]\nname = \"a\"\nhots = \"x\"\n")
	_, err := Load(LoadOptions{Path: p, Home: dir})
	if !errors.Is(err, ErrConfig) {
		t.Fatalf("want a configuration error, got %v", err)
	}
	for _, want := range []string{p + `:5: unknown key "logs.max_line"`, p + `:9: unknown key "docker.hots"`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
}

func TestBadValuesNameTheLine(t *testing.T) {
	dir := t.TempDir()
	for name, body := range map[string]string{
		"syntax":   "theme = \n",
		"type":     "readonly = \"maybe\"\n",
		"duration": "[refresh]\nremote_poll = 5\n",
		"size":     "[logs]\nmax_bytes = \"lots\"\n",
	} {
		p := writeFile(t, dir, name+".toml", body)
		_, err := Load(LoadOptions{Path: p, Home: dir})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "line") {
			t.Errorf("%s: want an error with a line, got %v", name, err)
		}
	}
	if _, err := load(t, env{"OHDASH_MOUSE": "perhaps"}); err == nil || !strings.Contains(err.Error(), "OHDASH_MOUSE") {
		t.Errorf("a bad environment value must name the variable: %v", err)
	}
	if _, err := load(t, env{}, FlagValue{Key: "theme", Value: "pink"}); err == nil || !strings.Contains(err.Error(), "--theme") {
		t.Errorf("a bad flag must name the flag: %v", err)
	}
}

func TestImplicitBackendsAndDockerOff(t *testing.T) {
	c, err := load(t, env{EnvRemoteURL: "https://rt.example", EnvRemoteAPIKey: "k-1234567890abcd"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Docker) != 1 || c.Docker[0].Name != "docker" || len(c.Remote) != 1 || c.Remote[0].APIKey.Reveal() != "k-1234567890abcd" {
		t.Fatalf("implicit backends: %+v %+v", c.Docker, c.Remote)
	}
	dir := t.TempDir()
	p := writeFile(t, dir, "c.toml", "docker = []\n")
	c, err = Load(LoadOptions{Path: p, Home: dir, Getenv: env{}.get})
	if err != nil || len(c.Docker) != 0 {
		t.Fatalf("docker = [] must leave no Docker backend: %+v %v", c.Docker, err)
	}
}

func TestBackendsFromFile(t *testing.T) {
	dir := t.TempDir()
	key := writeFile(t, dir, "eval.key", "sk-runtime-0123456789\n")
	p := writeFile(t, dir, "c.toml", `
backend = "eval"
[[docker]]
name = "local"
[[docker]]
name = "build"
host = "ssh://ci@build.example"
jwt_secret_env = "JWT"
[[remote]]
name = "eval"
url = "https://runtime.example"
api_key_file = "`+key+`"
`)
	c, err := Load(LoadOptions{Path: p, Home: dir, Getenv: env{"JWT": "jwt-secret-value-xyz"}.get})
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(c.BackendNames(), ","); got != "local,build,eval" {
		t.Fatalf("backends %s", got)
	}
	if c.Remote[0].APIKey.Reveal() != "sk-runtime-0123456789" || c.Docker[1].JWTSecret.Reveal() != "jwt-secret-value-xyz" {
		t.Fatal("secrets not read from file and variable")
	}
	for name, body := range map[string]string{
		"dup":     "[[docker]]\nname = \"x\"\n[[remote]]\nname = \"x\"\nurl = \"https://a\"\napi_key = \"k\"\n",
		"nokey":   "[[remote]]\nurl = \"https://a\"\n",
		"twokeys": "[[remote]]\nurl = \"https://a\"\napi_key = \"k\"\napi_key_env = \"K\"\n",
		"unnamed": "[[docker]]\n[[docker]]\nhost = \"tcp://a:1\"\n",
		"badpick": "backend = \"nope\"\n",
		"keyfile": "[[remote]]\nurl = \"https://a\"\napi_key_file = \"/nonexistent/key\"\n",
	} {
		p := writeFile(t, dir, name+".toml", body)
		if _, err := Load(LoadOptions{Path: p, Home: dir}); !errors.Is(err, ErrConfig) {
			t.Errorf("%s: want a configuration error, got %v", name, err)
		}
	}
}

func TestPrintMasksSecretsAndShowsSources(t *testing.T) {
	dir := t.TempDir()
	key := writeFile(t, dir, "k", "sk-very-secret-runtime-key")
	p := writeFile(t, dir, "c.toml", `
[[docker]]
jwt_secret = "inline-jwt-secret-0000"
[[remote]]
url = "https://runtime.example"
api_key_file = "`+key+`"
[keys]
"sandbox.pause" = "Z"
`)
	c, err := Load(LoadOptions{Path: p, Home: dir, Getenv: env{"OHDASH_THEME": "dark"}.get})
	if err != nil {
		t.Fatal(err)
	}
	keys, err := c.UIKeys()
	if err != nil {
		t.Fatal(err)
	}
	var text, js bytes.Buffer
	if err := c.Print(&text, keys); err != nil {
		t.Fatal(err)
	}
	if err := c.PrintJSON(&js, keys); err != nil {
		t.Fatal(err)
	}
	for _, out := range []string{text.String(), js.String()} {
		if strings.Contains(out, "sk-very-secret-runtime-key") || strings.Contains(out, "inline-jwt-secret") {
			t.Fatalf("a secret leaked:\n%s", out)
		}
	}
	for _, want := range []string{`theme = "dark"`, "env OHDASH_THEME", `"sandbox.pause" = ["Z"]`, "••••-key", "api_key_file"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("config output lacks %q:\n%s", want, text.String())
		}
	}
	var parsed jsonConfig
	if err := json.Unmarshal(js.Bytes(), &parsed); err != nil {
		t.Fatal(err)
	}
	if parsed.Settings["theme"] != "dark" || parsed.Sources["theme"] != "env OHDASH_THEME" || parsed.Keys["sandbox.pause"][0] != "Z" {
		t.Errorf("json: %+v", parsed)
	}
}

// A backend name shows in every row, error and the status bar: one that
// does not print as itself (an escape, a C1 control, a bidi override) is
// refused with the line it is on, quoted so nothing raw is printed.
func TestBackendNamesMustPrintAsThemselves(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{`evil\u001b]0;x\u0007`, `c1\u009b2J`, `bi\u202edi`, `zw\u200bsp`} {
		p := writeFile(t, dir, "c.toml", "[[docker]]\nname = \""+name+"\"\n")
		_, err := Load(LoadOptions{Path: p, Home: dir, Getenv: env{}.get})
		if !errors.Is(err, ErrConfig) || !strings.Contains(err.Error(), "printable") {
			t.Errorf("name %s: %v, want a configuration error", name, err)
			continue
		}
		for _, r := range err.Error() {
			if r == 0x1b || r >= 0x80 && r < 0xa0 || r == 0x202e || r == 0x200b {
				t.Errorf("name %s: the error prints %U raw: %q", name, r, err)
			}
		}
	}
	p := writeFile(t, dir, "c.toml", "[[docker]]\nname = \"büro-2\"\n")
	if _, err := Load(LoadOptions{Path: p, Home: dir, Getenv: env{}.get}); err != nil {
		t.Errorf("a printable non-ASCII name is refused: %v", err)
	}
}

package sshdial

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// writeFile writes a test file, creating its directory.
func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

const testConfig = `
# Directives before any Host line apply to every host.
ConnectTimeout 7

Host build
    HostName build.example.com
    User alice
    Port 2200
    IdentityFile ~/.ssh/build_key
    IdentityFile %d/.ssh/%r@%h-%p
    ProxyJump none

Host *.corp !secret.corp
    User corp
    UserKnownHostsFile ~/.ssh/known_hosts.corp "/tmp/with space"

Host web?
    Port=2022

Host short
    HostName %h.example.org
    HostKeyAlias short-key

Host jump
    ProxyJump bastion

Host bad
    Port ssh

Host multi
    ProxyJump bastion,admin@inner:2222,ssh://root@[fd00::1]:22
    ProxyCommand nc %h %p

Host cmd
    ProxyCommand ssh -W %h:%p bastion
    ProxyJump bastion

Host bastion
    ProxyJump none

Host *.behind
    ProxyJump bastion

Match exec "false"
    User never

Match all
    ServerAliveInterval 5
    ServerAliveCountMax 2

Include conf.d/*.conf

Host build * # a comment after the patterns
    User fallback
    IdentityFile ~/.ssh/extra
`

const testInclude = `
User included-default
Host inc
    HostName included.example
`

func testEnv(t *testing.T) (localEnv, *sshConfig) {
	t.Helper()
	home := t.TempDir()
	sshDir := filepath.Join(home, ".ssh")
	writeFile(t, filepath.Join(sshDir, "config"), testConfig)
	writeFile(t, filepath.Join(sshDir, "conf.d", "a.conf"), testInclude)
	env := localEnv{home: home, user: "local", uid: 1000}
	return env, loadConfig(filepath.Join(sshDir, "config"), sshDir, home)
}

func TestResolveFollowsTheSSHConfig(t *testing.T) {
	env, cfg := testEnv(t)
	ssh := func(name string) string { return filepath.Join(env.home, ".ssh", name) }
	cases := []struct {
		name   string
		target Target
		check  func(Settings) bool
	}{
		{"an alias takes HostName, User, Port and accumulates IdentityFiles", Target{Host: "build"}, func(s Settings) bool {
			return s.HostName == "build.example.com" && s.User == "alice" && s.Port == 2200 &&
				s.IdentitiesConfigured && slices.Equal(s.IdentityFiles, []string{ssh("build_key"), ssh("alice@build.example.com-2200"), ssh("extra")}) &&
				s.ConnectTimeout == 7*time.Second && s.ServerAliveInterval == 5*time.Second && s.ServerAliveCountMax == 2 &&
				s.ProxyJump == nil && s.Socket == DefaultSocket && s.Addr() == "build.example.com:2200"
		}},
		{"the URL's user and port win over the config", Target{User: "bob", Host: "build", Port: 2222, Socket: "/run/d.sock"}, func(s Settings) bool {
			return s.User == "bob" && s.Port == 2222 && s.IdentityFiles[1] == ssh("bob@build.example.com-2222") && s.Socket == "/run/d.sock"
		}},
		{"host names match case-insensitively", Target{Host: "BUILD"}, func(s Settings) bool {
			return s.HostName == "build.example.com" && s.User == "alice"
		}},
		{"a * pattern with a list of known_hosts files", Target{Host: "db.corp"}, func(s Settings) bool {
			return s.User == "corp" && s.HostName == "db.corp" &&
				slices.Equal(s.KnownHostsFiles, []string{ssh("known_hosts.corp"), "/tmp/with space"})
		}},
		{"a negated pattern excludes the host", Target{Host: "secret.corp"}, func(s Settings) bool {
			// Included at the top level (inside Match all), the include's
			// User comes before the last block's.
			return s.User == "included-default" && slices.Equal(s.KnownHostsFiles, []string{ssh("known_hosts"), ssh("known_hosts2")})
		}},
		{"? matches exactly one character", Target{Host: "web1"}, func(s Settings) bool { return s.Port == 2022 }},
		{"? does not match two", Target{Host: "web12"}, func(s Settings) bool { return s.Port == DefaultPort }},
		{"%h in HostName and HostKeyAlias", Target{Host: "short"}, func(s Settings) bool {
			return s.HostName == "short.example.org" && s.KnownHostsName() == "short-key"
		}},
		{"a non-default port is bracketed for known_hosts", Target{Host: "web1"}, func(s Settings) bool {
			return s.KnownHostsName() == "[web1]:2022"
		}},
		{"ProxyJump is reported", Target{Host: "jump"}, func(s Settings) bool { return slices.Equal(s.ProxyJump, []string{"bastion"}) }},
		{"a ProxyJump list keeps its order; the later ProxyCommand loses", Target{Host: "multi"}, func(s Settings) bool {
			return slices.Equal(s.ProxyJump, []string{"bastion", "admin@inner:2222", "ssh://root@[fd00::1]:22"}) && s.ProxyCommand == ""
		}},
		{"a ProxyCommand first wins over a later ProxyJump", Target{Host: "cmd"}, func(s Settings) bool {
			return s.ProxyCommand == "ssh -W %h:%p bastion" && s.ProxyJump == nil
		}},
		{"ProxyJump none first wins over a later Host * ProxyJump", Target{Host: "bastion"}, func(s Settings) bool {
			return s.ProxyJump == nil && s.ProxyCommand == ""
		}},
		{"ProxyJump from a pattern", Target{Host: "db.behind"}, func(s Settings) bool {
			return slices.Equal(s.ProxyJump, []string{"bastion"})
		}},
		{"no ProxyJump", Target{Host: "web1"}, func(s Settings) bool { return s.ProxyJump == nil && s.ProxyCommand == "" }},
		{"included files apply, their Host blocks too", Target{Host: "inc"}, func(s Settings) bool {
			return s.HostName == "included.example" && s.User == "included-default"
		}},
		{"Match blocks other than Match all never apply", Target{Host: "other"}, func(s Settings) bool {
			return s.User == "included-default" && s.HostName == "other" && s.Port == DefaultPort && s.ServerAliveInterval == 5*time.Second
		}},
	}
	for _, c := range cases {
		s, err := resolve(cfg, c.target, env)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !c.check(s) {
			t.Errorf("%s: got %+v", c.name, s)
		}
	}
}

func TestResolveDefaultsWithoutConfig(t *testing.T) {
	env := localEnv{home: t.TempDir(), user: "local"}
	for _, path := range []string{filepath.Join(env.home, "missing"), env.home /* a directory: unreadable as a file */} {
		s, err := resolve(loadConfig(path, filepath.Join(env.home, ".ssh"), env.home), Target{Host: "box"}, env)
		if err != nil {
			t.Fatalf("no config must not be an error: %v", err)
		}
		ssh := filepath.Join(env.home, ".ssh")
		want := []string{filepath.Join(ssh, "id_ed25519"), filepath.Join(ssh, "id_ecdsa"), filepath.Join(ssh, "id_rsa")}
		if s.User != "local" || s.HostName != "box" || s.Port != DefaultPort || s.IdentitiesConfigured ||
			!slices.Equal(s.IdentityFiles, want) || s.KnownHostsName() != "box" || s.Socket != DefaultSocket {
			t.Errorf("defaults: %+v", s)
		}
	}
}

func TestResolveRejectsBadValuesOnlyWhereTheyApply(t *testing.T) {
	env, cfg := testEnv(t)
	_, err := resolve(cfg, Target{Host: "bad"}, env)
	line := strings.Count(testConfig[:strings.Index(testConfig, "Port ssh")], "\n") + 1
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, backend.ErrUnsupported) || !strings.Contains(err.Error(), fmt.Sprintf("config:%d: port ssh: not a port number", line)) {
		t.Errorf("a bad Port for the host: %v", err)
	}
	if _, err := resolve(cfg, Target{Host: "good"}, env); err != nil {
		t.Errorf("a bad Port in another block must not matter: %v", err)
	}
	home := t.TempDir()
	for cfgText, why := range map[string]string{
		"IdentityFile ~other/.ssh/id":    "~user paths",
		"IdentityFile ~/.ssh/%C":         "token %C",
		"UserKnownHostsFile /tmp/kh%":    "lone %",
		"ServerAliveInterval soon":       "seconds",
		"ServerAliveCountMax 0":          "positive count",
		"Host x\n ConnectTimeout -1\n":   "seconds",
		"ProxyJump a b":                  "one comma-separated list",
		"ProxyJump a, b":                 "one comma-separated list",
		"ProxyJump a,,b":                 "empty",
		"ProxyJump a:0":                  "invalid port",
		"ProxyJump ssh://a/sock":         "a path is not allowed",
		"ProxyJump @a":                   "empty user name",
		"IdentityFile \"unbalanced\nX y": "", // skipped, not fatal
	} {
		p := filepath.Join(home, "c")
		writeFile(t, p, cfgText)
		_, err := resolve(loadConfig(p, home, home), Target{Host: "x"}, localEnv{home: home, user: "u"})
		if why == "" {
			if err != nil {
				t.Errorf("%q: a malformed line should be skipped: %v", cfgText, err)
			}
			continue
		}
		if err == nil || !strings.Contains(err.Error(), why) {
			t.Errorf("%q: %v, want an error about %s", cfgText, err, why)
		}
	}
}

func TestIncludeInsideAHostBlockIsConditional(t *testing.T) {
	home := t.TempDir()
	writeFile(t, filepath.Join(home, "main"), "Host only\n  Include "+filepath.Join(home, "inc")+"\nHost *\n  User star\n")
	writeFile(t, filepath.Join(home, "inc"), "User from-include\nInclude inc\n") // includes itself: bounded
	cfg := loadConfig(filepath.Join(home, "main"), home, home)
	env := localEnv{home: home, user: "u"}
	if s, _ := resolve(cfg, Target{Host: "only"}, env); s.User != "from-include" {
		t.Errorf("the include applies inside its block: %+v", s)
	}
	if s, _ := resolve(cfg, Target{Host: "other"}, env); s.User != "star" {
		t.Errorf("the include must not apply outside its block: %+v", s)
	}
}

func TestWildcardMatch(t *testing.T) {
	for _, c := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true}, {"*", "anything", true}, {"box", "box", true}, {"box", "box2", false},
		{"b?x", "box", true}, {"b?x", "bx", false}, {"*.corp", "a.corp", true}, {"*.corp", "corp", false},
		{"a*b*c", "aXXbYYc", true}, {"a*b*c", "aXXbYY", false}, {"*a*a", "banana", true}, {"10.0.0.*", "10.0.0.7", true},
		{"**x", "yyx", true}, {"?", "", false},
	} {
		if got := wildcardMatch(c.pattern, c.s); got != c.want {
			t.Errorf("wildcardMatch(%q, %q) = %v", c.pattern, c.s, got)
		}
	}
}

func TestSplitLine(t *testing.T) {
	for line, want := range map[string][]string{
		"HostName example.com":           {"hostname", "example.com"},
		"  Port=22":                      {"port", "22"},
		"Port = 22":                      {"port", "22"},
		"IdentityFile \"/a b/c\" d":      {"identityfile", "/a b/c", "d"},
		"Host a b # trailing comment":    {"host", "a", "b"},
		"Host a#b":                       {"host", "a#b"},
		"\tUserKnownHostsFile\t/x  /y  ": {"userknownhostsfile", "/x", "/y"},
		"# a comment":                    {""},
		"":                               {""},
	} {
		key, args, ok := splitLine(line)
		if !ok || key != want[0] || !slices.Equal(args, want[1:]) && len(want) > 1 {
			t.Errorf("splitLine(%q) = %q %q %v, want %q", line, key, args, ok, want)
		}
	}
	if _, _, ok := splitLine(`IdentityFile "open`); ok {
		t.Error("an unbalanced quote should be reported")
	}
}

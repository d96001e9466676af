package sshdial

import (
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

func TestParseJump(t *testing.T) {
	for in, want := range map[string]Target{
		"bastion":                {Host: "bastion"},
		"admin@bastion":          {User: "admin", Host: "bastion"},
		"admin@bastion:2222":     {User: "admin", Host: "bastion", Port: 2222},
		"10.0.0.1:22":            {Host: "10.0.0.1", Port: 22},
		"[fd00::1]:2200":         {Host: "fd00::1", Port: 2200},
		"[fd00::1]":              {Host: "fd00::1"},
		"fd00::1":                {Host: "fd00::1"},
		"a@b@host":               {User: "a@b", Host: "host"},
		"ssh://u@jump.example:7": {User: "u", Host: "jump.example", Port: 7},
		"SSH://jump.example":     {Host: "jump.example"},
	} {
		got, err := parseJump(in)
		if err != nil || got != want {
			t.Errorf("parseJump(%q) = %+v, %v; want %+v", in, got, err, want)
		}
	}
	for _, in := range []string{"", "@host", "host:", "host:x", "host:70000", "[fd00::1", "u@", "ssh://h/p.sock", "ssh://u:pw@h", "a b"} {
		if got, err := parseJump(in); err == nil {
			t.Errorf("parseJump(%q) = %+v, want an error", in, got)
		}
	}
}

const jumpConfig = `
Host target
    HostName 10.1.0.5
    ProxyJump inner

Host two
    ProxyJump bastion,inner

Host inner
    HostName 10.1.0.1
    User ops
    Port 2222
    ProxyJump bastion

Host bastion
    HostName 203.0.113.7
    User jump
    IdentityFile ~/.ssh/bastion_key
    UserKnownHostsFile ~/.ssh/known_hosts.bastion
    HostKeyAlias bastion-key
    ProxyJump none

Host loop-a
    ProxyJump loop-b
Host loop-b
    ProxyJump loop-a
Host self
    ProxyJump self

Host cmd-first
    ProxyJump cmdhop
Host cmdhop
    ProxyCommand nc %h %p

Host long
    ProxyJump h1,h2,h3,h4,h5,h6,h7,h8,h9

Host *
    ProxyJump none
`

func jumpEnv(t *testing.T) (localEnv, *sshConfig) {
	t.Helper()
	home := t.TempDir()
	sshDir := filepath.Join(home, ".ssh")
	writeFile(t, filepath.Join(sshDir, "config"), jumpConfig)
	return localEnv{home: home, user: "local", uid: 1000}, loadConfig(filepath.Join(sshDir, "config"), sshDir, home)
}

// chainOf resolves the jump hosts of a target alias in env.
func chainOf(t *testing.T, env localEnv, cfg *sshConfig, host string) ([]Settings, error) {
	t.Helper()
	s, err := resolve(cfg, Target{Host: host}, env)
	if err != nil {
		t.Fatalf("resolve %s: %v", host, err)
	}
	return jumpChain(cfg, env, s, host)
}

func addrs(chain []Settings) []string {
	var out []string
	for _, s := range chain {
		out = append(out, s.User+"@"+s.Addr())
	}
	return out
}

func TestJumpChain(t *testing.T) {
	env, cfg := jumpEnv(t)
	// The first hop's own ProxyJump comes in front of it, as with ssh.
	chain, err := chainOf(t, env, cfg, "target")
	if err != nil {
		t.Fatal(err)
	}
	if got := addrs(chain); !slices.Equal(got, []string{"jump@203.0.113.7:22", "ops@10.1.0.1:2222"}) {
		t.Errorf("target via inner via bastion: %v", got)
	}
	b := chain[0]
	if !slices.Equal(b.IdentityFiles, []string{filepath.Join(env.home, ".ssh", "bastion_key")}) ||
		!slices.Equal(b.KnownHostsFiles, []string{filepath.Join(env.home, ".ssh", "known_hosts.bastion")}) ||
		b.KnownHostsName() != "bastion-key" || b.ProxyJump != nil {
		t.Errorf("the jump host keeps its own settings: %+v", b)
	}
	if hopLabel(b) != "bastion (203.0.113.7:22)" || hopLabel(Settings{Alias: "10.0.0.1", HostName: "10.0.0.1", Port: 22}) != "10.0.0.1:22" {
		t.Errorf("labels: %q", hopLabel(b))
	}

	// A later hop of a list is reached through the hops before it: its
	// own ProxyJump (inner's bastion) does not apply again.
	chain, err = chainOf(t, env, cfg, "two")
	if err != nil {
		t.Fatal(err)
	}
	if got := addrs(chain); !slices.Equal(got, []string{"jump@203.0.113.7:22", "ops@10.1.0.1:2222"}) {
		t.Errorf("two hops: %v", got)
	}
	if !slices.Equal(chain[1].ProxyJump, []string{"bastion"}) {
		t.Errorf("the second hop is reached through the first: %v", chain[1].ProxyJump)
	}

	if chain, err := chainOf(t, env, cfg, "plain"); err != nil || len(chain) != 0 {
		t.Errorf("no ProxyJump: %v, %v", chain, err)
	}
}

func TestJumpChainRefusals(t *testing.T) {
	env, cfg := jumpEnv(t)
	for host, why := range map[string]string{
		"loop-a":    "loop (loop-a -> loop-b -> loop-a)",
		"self":      "loop (self -> self)",
		"cmd-first": "ProxyCommand for the jump host cmdhop",
		"long":      "more than 8 jump hosts",
	} {
		_, err := chainOf(t, env, cfg, host)
		var e *Error
		if !errors.As(err, &e) || !errors.Is(err, backend.ErrUnsupported) || !strings.Contains(err.Error(), why) {
			t.Errorf("%s: %v, want ErrUnsupported about %q", host, err, why)
		}
	}
}

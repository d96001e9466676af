package sshdial

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// defaultIdentities are the keys tried when the config names no
// IdentityFile, in OpenSSH's order.
var defaultIdentities = []string{"id_ed25519", "id_ecdsa", "id_rsa"}

// Settings are what a Target resolves to through the ssh config and the
// defaults: where to connect, as whom, with which keys, checked against
// which known_hosts files.
type Settings struct {
	// Alias is the host as written in the URL.
	Alias string
	// HostName is the address connected to (HostName, else the alias).
	HostName string
	Port     int
	User     string
	// IdentityFiles are the private keys to offer: the config's
	// IdentityFile lines, or the default keys when it has none.
	IdentityFiles []string
	// IdentitiesConfigured is set when IdentityFiles come from the config.
	IdentitiesConfigured bool
	// IdentitiesOnly restricts agent keys to those of IdentityFiles.
	IdentitiesOnly bool
	// KnownHostsFiles are the user's known_hosts files (UserKnownHostsFile,
	// default ~/.ssh/known_hosts and ~/.ssh/known_hosts2).
	KnownHostsFiles []string
	// HostKeyAlias is the name looked up in known_hosts instead of
	// HostName, when set.
	HostKeyAlias string
	// ConnectTimeout bounds TCP connect plus handshake; 0: the dialer's.
	ConnectTimeout time.Duration
	// ServerAliveInterval and ServerAliveCountMax set the keepalives;
	// 0: the dialer's.
	ServerAliveInterval time.Duration
	ServerAliveCountMax int
	// ProxyJump are the jump hosts the config names, in order, each as
	// written ([user@]host[:port] or ssh://...); nil: connect directly,
	// also for "ProxyJump none".
	ProxyJump []string
	// ProxyCommand is the config's ProxyCommand. The dialer does not run
	// commands, so it refuses such hosts rather than bypass the proxy.
	ProxyCommand string
	// Socket is the engine socket on the remote host.
	Socket string
}

// KnownHostsName is the name the host key is filed under in known_hosts:
// host, or [host]:port for a port other than 22.
func (s Settings) KnownHostsName() string {
	h := s.HostName
	if s.HostKeyAlias != "" {
		h = s.HostKeyAlias
	}
	if s.Port == DefaultPort {
		return h
	}
	return "[" + h + "]:" + strconv.Itoa(s.Port)
}

// Addr is host:port to connect to.
func (s Settings) Addr() string {
	return netJoin(s.HostName, s.Port)
}

// localEnv is what resolution needs from the local machine.
type localEnv struct {
	home, user string
	uid        int
}

// resolve applies the config to t, then the URL (which wins, like ssh's
// command line), then the defaults. The first value a keyword gets is the
// one used, except IdentityFile, which accumulates (ssh_config(5)).
func resolve(cfg *sshConfig, t Target, env localEnv) (Settings, error) {
	s := Settings{Alias: t.Host}
	var (
		port, user, hostName, alias  string
		knownHosts, identities       []string
		knownHostsSet, onlySet       bool
		timeoutSet, aliveSet, cntSet bool
		proxySet                     bool
	)
	login := t.Login()
	bad := func(d directive, why string) error {
		return newError(login, "config", nil, fmt.Sprintf("%s: %s %s: %s", d.where, d.key, strings.Join(d.args, " "), why), backend.ErrUnsupported)
	}
	seconds := func(d directive) (time.Duration, error) {
		n, err := strconv.ParseUint(d.args[0], 10, 31)
		if err != nil {
			return 0, bad(d, "want a number of seconds")
		}
		return time.Duration(n) * time.Second, nil
	}
	for _, d := range cfg.directives {
		if len(d.args) == 0 || !d.block.applies(t.Host) {
			continue
		}
		arg := d.args[0]
		var err error
		switch d.key {
		case "hostname":
			if hostName == "" {
				hostName = arg
			}
		case "user":
			if user == "" {
				user = arg
			}
		case "port":
			if port == "" {
				if n, perr := strconv.ParseUint(arg, 10, 16); perr != nil || n == 0 {
					return Settings{}, bad(d, "not a port number")
				}
				port = arg
			}
		case "identityfile":
			if !strings.EqualFold(arg, "none") {
				identities = append(identities, arg)
			}
		case "identitiesonly":
			if !onlySet {
				onlySet, s.IdentitiesOnly = true, strings.EqualFold(arg, "yes")
			}
		case "userknownhostsfile":
			if !knownHostsSet {
				knownHostsSet = true
				if !strings.EqualFold(arg, "none") {
					knownHosts = d.args
				}
			}
		case "hostkeyalias":
			if alias == "" {
				alias = arg
			}
		case "connecttimeout":
			if !timeoutSet {
				timeoutSet = true
				s.ConnectTimeout, err = seconds(d)
			}
		case "serveraliveinterval":
			if !aliveSet {
				aliveSet = true
				s.ServerAliveInterval, err = seconds(d)
			}
		case "serveralivecountmax":
			if !cntSet {
				cntSet = true
				n, perr := strconv.ParseUint(arg, 10, 31)
				if perr != nil || n == 0 {
					return Settings{}, bad(d, "want a positive count")
				}
				s.ServerAliveCountMax = int(n)
			}
		case "proxyjump", "proxycommand":
			// Whichever of the two comes first wins, "none" included
			// (ssh_config(5)), so a "ProxyJump none" above a catch-all
			// Host * block exempts the bastion itself.
			if proxySet {
				break
			}
			proxySet = true
			switch {
			case strings.EqualFold(arg, "none") && len(d.args) == 1:
			case d.key == "proxycommand":
				s.ProxyCommand = strings.Join(d.args, " ")
			case len(d.args) > 1:
				return Settings{}, bad(d, "want one comma-separated list of [user@]host[:port]")
			default:
				s.ProxyJump, err = splitJumps(arg)
				if err != nil {
					return Settings{}, bad(d, err.Error())
				}
			}
		}
		if err != nil {
			return Settings{}, err
		}
	}

	// The URL wins over the config; the defaults fill the rest.
	s.User = firstNonEmpty(t.User, user, env.user)
	s.Port = DefaultPort
	if port != "" {
		s.Port, _ = strconv.Atoi(port)
	}
	if t.Port != 0 {
		s.Port = t.Port
	}
	s.HostName = t.Host
	if hostName != "" {
		s.HostName = strings.ReplaceAll(strings.ReplaceAll(hostName, "%h", t.Host), "%%", "%")
	}
	s.HostKeyAlias = alias
	s.Socket = firstNonEmpty(t.Socket, DefaultSocket)

	sshDir := filepath.Join(env.home, ".ssh")
	s.IdentitiesConfigured = len(identities) > 0
	if !s.IdentitiesConfigured {
		for _, name := range defaultIdentities {
			s.IdentityFiles = append(s.IdentityFiles, filepath.Join(sshDir, name))
		}
	}
	if !knownHostsSet {
		s.KnownHostsFiles = []string{filepath.Join(sshDir, "known_hosts"), filepath.Join(sshDir, "known_hosts2")}
	}
	for _, list := range []struct {
		raw []string
		dst *[]string
	}{{identities, &s.IdentityFiles}, {knownHosts, &s.KnownHostsFiles}} {
		for _, p := range list.raw {
			exp, err := expandPath(p, s, env)
			if err != nil {
				return Settings{}, newError(login, "config", nil, err.Error(), backend.ErrUnsupported)
			}
			*list.dst = append(*list.dst, exp)
		}
	}
	return s, nil
}

// expandPath expands ~ and the % tokens ssh_config(5) allows in
// IdentityFile and UserKnownHostsFile: %d home, %h host name, %n alias,
// %p port, %r remote user, %u local user, %i uid, %% a percent sign.
func expandPath(p string, s Settings, env localEnv) (string, error) {
	if strings.HasPrefix(p, "~") && p != "~" && !strings.HasPrefix(p, "~/") {
		return "", fmt.Errorf("%s: ~user paths are not supported; write the full path", p)
	}
	p = expandTilde(p, env.home)
	tokens := map[byte]string{
		'%': "%", 'd': env.home, 'h': s.HostName, 'n': s.Alias, 'p': strconv.Itoa(s.Port),
		'r': s.User, 'u': env.user, 'i': strconv.Itoa(env.uid),
	}
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		if p[i] != '%' {
			b.WriteByte(p[i])
			continue
		}
		if i+1 == len(p) {
			return "", fmt.Errorf("%s: a lone %% at the end", p)
		}
		i++
		v, ok := tokens[p[i]]
		if !ok {
			return "", fmt.Errorf("%s: the token %%%c is not supported", p, p[i])
		}
		b.WriteString(v)
	}
	return b.String(), nil
}

func firstNonEmpty(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

package sshdial

import (
	"errors"
	"fmt"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// maxJumps caps the jump hosts in front of one target. Every hop costs a
// handshake inside the same timeout, and a config whose ProxyJump lines
// feed each other must end in an error, not in an ever longer chain.
const maxJumps = 8

// splitJumps splits a ProxyJump value ("bastion,admin@inner:2222") into
// its hops, checking that each one parses.
func splitJumps(v string) ([]string, error) {
	var hops []string
	for h := range strings.SplitSeq(v, ",") {
		h = strings.TrimSpace(h)
		if _, err := parseJump(h); err != nil {
			return nil, err
		}
		hops = append(hops, h)
	}
	return hops, nil
}

// parseJump parses one hop of a ProxyJump list: [user@]host[:port], with
// an IPv6 address in brackets when it has a port, or an
// ssh://[user@]host[:port] URI, the two forms ssh -J takes.
func parseJump(h string) (Target, error) {
	bad := func(why string) (Target, error) {
		return Target{}, fmt.Errorf("jump host %q: %s (want [user@]host[:port])", h, why)
	}
	if h == "" {
		return bad("empty")
	}
	if len(h) > 6 && strings.EqualFold(h[:6], "ssh://") {
		t, err := ParseURL(h)
		if err != nil {
			return Target{}, err
		}
		if t.Socket != "" {
			return bad("a path is not allowed")
		}
		return t, nil
	}
	var t Target
	rest := h
	if i := strings.LastIndexByte(h, '@'); i >= 0 {
		t.User, rest = h[:i], h[i+1:]
		if t.User == "" {
			return bad("empty user name")
		}
	}
	host, port := rest, ""
	switch {
	case strings.HasPrefix(rest, "[") && strings.HasSuffix(rest, "]"):
		host = rest[1 : len(rest)-1]
	case strings.HasPrefix(rest, "["):
		var err error
		if host, port, err = net.SplitHostPort(rest); err != nil {
			return bad("unbalanced brackets")
		}
	case strings.Count(rest, ":") == 1:
		host, port, _ = strings.Cut(rest, ":")
		if port == "" {
			return bad("empty port")
		}
	}
	// More than one colon without brackets is a bare IPv6 address.
	if host == "" || strings.ContainsAny(host, " \t/@[]") {
		return bad("no host name")
	}
	t.Host = host
	if port != "" {
		n, err := strconv.ParseUint(port, 10, 16)
		if err != nil || n == 0 {
			return bad("invalid port " + strconv.Quote(port))
		}
		t.Port = int(n)
	}
	return t, nil
}

// jumpChain resolves the jump hosts in front of s, in the order they are
// connected to, each with its own settings from the config. OpenSSH
// reaches the first hop with a plain ssh of its own, so that hop's own
// ProxyJump applies and comes in front of it; every later hop is reached
// through the hops before it, whatever its own ProxyJump says. Each later
// hop's ProxyJump is set to the hops that reach it (used for the hint in
// host-key messages). login names the errors.
func jumpChain(cfg *sshConfig, env localEnv, s Settings, login string) ([]Settings, error) {
	return expandJumps(cfg, env, s.ProxyJump, []string{strings.ToLower(s.Alias)}, login)
}

// expandJumps resolves list; path holds the aliases whose ProxyJump led
// here, for finding loops. An alias met again on that path would repeat
// for ever: the same alias resolves to the same ProxyJump every time.
func expandJumps(cfg *sshConfig, env localEnv, list, path []string, login string) ([]Settings, error) {
	var out []Settings
	for i, raw := range list {
		t, err := parseJump(raw)
		if err != nil {
			return nil, newError(login, "config", nil, "ProxyJump: "+err.Error(), backend.ErrUnsupported)
		}
		hs, err := resolve(cfg, t, env)
		if err != nil {
			return nil, onHop(err, login, raw)
		}
		hs.Socket = ""
		if i > 0 {
			hs.ProxyJump, hs.ProxyCommand = slices.Clone(list[:i]), ""
		}
		switch {
		case hs.ProxyCommand != "":
			return nil, newError(login, "config", nil, fmt.Sprintf(
				"the ssh config sets ProxyCommand for the jump host %s, and proxy commands are not supported", hs.Alias),
				backend.ErrUnsupported)
		case i == 0 && len(hs.ProxyJump) > 0:
			alias := strings.ToLower(t.Host)
			if slices.Contains(path, alias) {
				return nil, newError(login, "config", nil, fmt.Sprintf(
					"the ProxyJump lines of the ssh config loop (%s -> %s); set ProxyJump none for the host reached directly",
					strings.Join(path, " -> "), alias), backend.ErrUnsupported)
			}
			before, err := expandJumps(cfg, env, hs.ProxyJump, slices.Concat(path, []string{alias}), login)
			if err != nil {
				return nil, err
			}
			out = append(out, before...)
		}
		out = append(out, hs)
		if len(out) > maxJumps {
			return nil, newError(login, "config", nil, fmt.Sprintf(
				"more than %d jump hosts in front of the host (ProxyJump %s)", maxJumps, strings.Join(list, ",")),
				backend.ErrUnsupported)
		}
	}
	return out, nil
}

// hopLabel names a jump host in messages: "bastion (10.0.0.1:22)", or
// just the address when the alias is the host name.
func hopLabel(s Settings) string {
	if strings.EqualFold(s.Alias, s.HostName) {
		return s.Addr()
	}
	return s.Alias + " (" + s.Addr() + ")"
}

// onHop makes an error about a jump host an error of the dial of login,
// naming the hop. The original is copied, not changed.
func onHop(err error, login, via string) error {
	var e *Error
	if via == "" || !errors.As(err, &e) {
		return err
	}
	c := *e
	c.Login, c.Via = login, via
	return &c
}

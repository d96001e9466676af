package sshdial

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// Defaults of a Target's empty fields.
const (
	// DefaultPort is the SSH port used when neither the URL nor the ssh
	// config names one.
	DefaultPort = 22
	// DefaultSocket is the engine socket on the remote host when the URL
	// has no path.
	DefaultSocket = "/var/run/docker.sock"
)

// errBadURL marks an ssh:// address that cannot be parsed.
var errBadURL = errors.New("invalid ssh URL")

// Target is an engine reached over SSH, as written in
// ssh://[user@]host[:port][/path/to/docker.sock]. Empty fields are filled
// from the ssh config, then the defaults.
type Target struct {
	// User is the remote login; empty: the config's User, else the local
	// user name.
	User string
	// Host is the host name or ~/.ssh/config alias, without brackets.
	Host string
	// Port is the SSH port; 0: the config's Port, else 22.
	Port int
	// Socket is the engine's unix socket on the remote host; empty:
	// DefaultSocket.
	Socket string
}

// ParseURL parses ssh://[user@]host[:port][/path/to/docker.sock].
// Passwords, queries and fragments are refused: keys and the agent are the
// only ways in, and nothing else is configured through the URL.
func ParseURL(raw string) (Target, error) {
	bad := func(why string) (Target, error) {
		return Target{}, fmt.Errorf("%w %q: %s (want ssh://[user@]host[:port][/path/to/docker.sock])", errBadURL, raw, why)
	}
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return bad("does not parse")
	}
	if !strings.EqualFold(u.Scheme, "ssh") {
		return bad("the scheme is not ssh")
	}
	if u.Opaque != "" || u.Hostname() == "" {
		return bad("no host name")
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return bad("query and fragment are not supported")
	}
	var t Target
	if u.User != nil {
		if _, ok := u.User.Password(); ok {
			return bad("passwords are not supported; use a key or the ssh-agent")
		}
		t.User = u.User.Username()
		if t.User == "" {
			return bad("empty user name")
		}
	}
	t.Host = u.Hostname()
	if p := u.Port(); p != "" {
		n, err := strconv.ParseUint(p, 10, 16)
		if err != nil || n == 0 {
			return bad("invalid port " + strconv.Quote(p))
		}
		t.Port = int(n)
	}
	if u.Path != "" && u.Path != "/" {
		t.Socket = path.Clean(u.Path)
	}
	return t, nil
}

// String is the normalised URL: what ParseURL reads back to t.
func (t Target) String() string {
	return "ssh://" + t.Login() + t.Socket
}

// Login is [user@]host[:port] as written (no defaults applied): the key
// under which a Dialer shares one SSH connection, whatever the socket.
func (t Target) Login() string {
	s := t.Host
	if t.Port != 0 {
		s = net.JoinHostPort(t.Host, strconv.Itoa(t.Port))
	} else if strings.Contains(s, ":") {
		s = "[" + s + "]"
	}
	if t.User != "" {
		s = t.User + "@" + s
	}
	return s
}

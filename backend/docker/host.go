package docker

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/sshdial"
)

// Ports the docker CLI assumes when a tcp:// host names none.
const (
	defaultTCPPort = "2375"
	defaultTLSPort = "2376"
	// DefaultSocket is the engine's standard unix socket.
	DefaultSocket = "unix:///var/run/docker.sock"
)

// Endpoint is a resolved Docker engine address and how to secure it.
type Endpoint struct {
	// Host is the normalised address: unix:///path, tcp://host:port,
	// ssh://[user@]host[:port][/socket].
	Host string
	// Scheme is unix, tcp, ssh or npipe.
	Scheme string
	// Addr is the socket path (unix, npipe), host:port (tcp) or
	// [user@]host[:port] (ssh).
	Addr string
	// Path is a base path some tcp proxies put the API under (tcp), or the
	// engine socket on the remote host (ssh; empty for the default).
	Path string
	// TLS is set when the connection uses TLS (tcp only).
	TLS *TLSFiles
	// Source says where the address came from: "option", "DOCKER_HOST",
	// "context <name>", or "default".
	Source string
}

// TLSFiles are the certificate files of a TLS engine connection; empty
// names are absent files.
type TLSFiles struct {
	CA, Cert, Key string
	// SkipVerify disables server verification (DOCKER_CERT_PATH without
	// DOCKER_TLS_VERIFY, or a context with SkipTLSVerify).
	SkipVerify bool
}

// errBadHost marks a DOCKER_HOST value that cannot be parsed.
var errBadHost = errors.New("invalid docker host")

// ParseHost parses a DOCKER_HOST value the way users write it: with or
// without a scheme (unix:///var/run/docker.sock, /var/run/docker.sock,
// tcp://1.2.3.4:2375, 1.2.3.4:2375, localhost:2375, ssh://user@host). A
// tcp address without a port gets 2375.
func ParseHost(raw string) (Endpoint, error) { return parseHost(raw, false) }

func parseHost(raw string, tls bool) (Endpoint, error) {
	s := strings.TrimSpace(raw)
	bad := func(why string) (Endpoint, error) {
		return Endpoint{}, fmt.Errorf("%w %q: %s (use unix:///path, /path, tcp://host:port, host:port or ssh://[user@]host[:port][/socket])", errBadHost, backend.MaskURL(raw), why)
	}
	if s == "" {
		return bad("empty")
	}
	if strings.HasPrefix(s, "/") {
		s = "unix://" + s
	}
	scheme, rest, ok := strings.Cut(s, "://")
	if !ok {
		scheme, rest = "tcp", s
	}
	scheme = strings.ToLower(scheme)
	switch scheme {
	case "unix":
		if !strings.HasPrefix(rest, "/") {
			return bad("a unix socket needs an absolute path")
		}
		p := filepath.Clean(rest)
		return Endpoint{Host: "unix://" + p, Scheme: "unix", Addr: p}, nil
	case "npipe":
		if runtime.GOOS != "windows" {
			return bad("named pipes exist only on Windows")
		}
		if rest == "" {
			return bad("a named pipe needs a path")
		}
		return Endpoint{Host: s, Scheme: "npipe", Addr: rest}, nil
	case "tcp":
		return parseTCP(rest, tls, bad)
	case "ssh":
		t, err := sshdial.ParseURL(s)
		if err != nil {
			return Endpoint{}, fmt.Errorf("%w: %w", errBadHost, err)
		}
		return Endpoint{Host: t.String(), Scheme: "ssh", Addr: t.Login(), Path: t.Socket}, nil
	default:
		return bad("unsupported scheme " + strconv.Quote(scheme))
	}
}

func parseTCP(rest string, tls bool, bad func(string) (Endpoint, error)) (Endpoint, error) {
	if rest == "" {
		return bad("no address after tcp://")
	}
	hostport, path, _ := strings.Cut(rest, "/")
	if strings.Contains(hostport, "@") {
		// The engine's tcp transport has no login; quoting the host part
		// would print a password.
		return bad("a tcp:// address takes no user or password")
	}
	host, port, err := net.SplitHostPort(hostport)
	if err != nil {
		// No port given (or an unbracketed IPv6 address, which SplitHostPort
		// rejects as well): take the default port.
		host, port = hostport, defaultTCPPort
		if tls {
			port = defaultTLSPort
		}
		if strings.Count(host, ":") > 1 {
			host = "[" + strings.Trim(host, "[]") + "]"
		}
	} else if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if host == "" || host == "[]" {
		host = "localhost"
	}
	n, err := strconv.ParseUint(port, 10, 16)
	if err != nil || n == 0 {
		return bad("invalid port " + strconv.Quote(port))
	}
	u, err := url.Parse("tcp://" + host + ":" + port)
	if err != nil || u.Hostname() == "" {
		return bad("invalid host name " + strconv.Quote(host))
	}
	addr := u.Host
	ep := Endpoint{Host: "tcp://" + addr, Scheme: "tcp", Addr: addr}
	if path != "" {
		ep.Path = "/" + strings.Trim(path, "/")
		ep.Host += ep.Path
	}
	return ep, nil
}

// String describes the endpoint for status lines: the address and where it
// came from.
func (e Endpoint) String() string {
	s := e.Host
	if e.TLS != nil {
		s += " (tls)"
	}
	if e.Source != "" && e.Source != "option" {
		s += " via " + e.Source
	}
	return s
}

package docker

import (
	"context"
	"crypto/tls"
	"fmt"
	"maps"
	"net"
	"net/http"
	"time"

	"github.com/docker/go-connections/sockets"
	"github.com/docker/go-connections/tlsconfig"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/sshdial"
)

// Dialer opens a connection to an engine that the HTTP transport cannot
// dial by itself (an ssh:// host, through a tunnel it sets up). The HTTP
// API then runs over the connection it returns.
type Dialer func(ctx context.Context, ep Endpoint) (net.Conn, error)

// tunnelHost is the HTTP host name used when a Dialer carries the
// connection; it is never resolved.
const tunnelHost = "tcp://docker.invalid:2375"

// newClient builds an API client for ep. The API version is negotiated on
// the first request, so an engine that is down at start-up is retried
// later with the same client. Every answer passes an engineCheck, which
// recognises a server that is not a Docker engine; the returned closer
// releases the transport's idle connections.
func newClient(ep Endpoint, dialers map[string]Dialer) (*client.Client, func(), error) {
	tr, host, scheme, err := engineTransport(ep, dialers)
	if err != nil {
		return nil, nil, err
	}
	check := &engineCheck{base: tr, host: ep.Host}
	cli, err := client.New(
		// WithHost insists on configuring a bare transport: give it a
		// throwaway one, then the real client.
		client.WithHTTPClient(&http.Client{Transport: &http.Transport{}}),
		client.WithHost(host),
		client.WithHTTPClient(&http.Client{Transport: check, CheckRedirect: client.CheckRedirect}),
		// Stated, not inferred: the client cannot see the TLS config
		// through the wrapper.
		client.WithScheme(scheme),
	)
	if err != nil {
		return nil, nil, fmt.Errorf("docker host %s: %w", ep.Host, err)
	}
	return cli, check.CloseIdleConnections, nil
}

// engineTransport is the HTTP transport that reaches ep (through the
// scheme's Dialer when there is one), with the host and scheme the API
// client is to use over it.
func engineTransport(ep Endpoint, dialers map[string]Dialer) (*http.Transport, string, string, error) {
	tr := &http.Transport{
		// Like the moby default: a long-running process must not hoard
		// idle connections to the engine.
		MaxIdleConns:    6,
		IdleConnTimeout: 30 * time.Second,
	}
	if ep.TLS != nil {
		cfg, err := tlsConfig(*ep.TLS)
		if err != nil {
			return nil, "", "", fmt.Errorf("docker host %s: %w", ep.Host, err)
		}
		tr.TLSClientConfig = cfg
	}
	scheme := "http"
	if ep.TLS != nil {
		scheme = "https"
	}
	host := ep.Host
	dial := dialers[ep.Scheme]
	if dial != nil {
		host = tunnelHost
	} else {
		switch ep.Scheme {
		case "unix", "tcp", "npipe":
		case "ssh":
			// New plugs sshdial in; only a caller that removed it gets here.
			return nil, "", "", fmt.Errorf("docker host %s: no dialer for ssh:// hosts: %w", ep.Host, backend.ErrUnsupported)
		default:
			return nil, "", "", fmt.Errorf("docker host %s: scheme %q is %w", ep.Host, ep.Scheme, backend.ErrUnsupported)
		}
	}
	// The transport is set up here rather than by the client's WithHost,
	// which only configures a bare *http.Transport: the client gets it
	// wrapped in the engine check.
	u, err := client.ParseHostURL(host)
	if err != nil {
		return nil, "", "", fmt.Errorf("docker host %s: %w", ep.Host, err)
	}
	if err := sockets.ConfigureTransport(tr, u.Scheme, u.Host); err != nil {
		return nil, "", "", fmt.Errorf("docker host %s: %w", ep.Host, err)
	}
	if dial != nil {
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			c, err := dial(ctx, ep)
			if err != nil {
				return nil, &dialError{err}
			}
			return c, nil
		}
	}
	return tr, host, scheme, nil
}

// withSSHDialer returns dialers with the built-in SSH dialer (package
// sshdial) added when ep is an ssh:// host and dialers has no "ssh" entry,
// and a function that closes what it added. The dialer reads HOME and
// SSH_AUTH_SOCK through getenv, like the rest of endpoint resolution.
func withSSHDialer(ep Endpoint, dialers map[string]Dialer, getenv func(string) string) (map[string]Dialer, func() error) {
	if ep.Scheme != "ssh" || dialers["ssh"] != nil {
		return dialers, func() error { return nil }
	}
	d := sshdial.New(sshdial.Options{Getenv: getenv})
	out := maps.Clone(dialers)
	if out == nil {
		out = map[string]Dialer{}
	}
	out["ssh"] = func(ctx context.Context, ep Endpoint) (net.Conn, error) {
		return d.DialURL(ctx, ep.Host)
	}
	return out, d.Close
}

// tlsConfig loads the client certificates of a TLS connection.
func tlsConfig(t TLSFiles) (*tls.Config, error) {
	opts := tlsconfig.Options{
		CAFile:             t.CA,
		InsecureSkipVerify: t.SkipVerify,
		ExclusiveRootPools: t.CA != "",
		MinVersion:         tls.VersionTLS12,
	}
	if t.Cert != "" && t.Key != "" {
		opts.CertFile, opts.KeyFile = t.Cert, t.Key
	}
	cfg, err := tlsconfig.Client(opts)
	if err != nil {
		return nil, fmt.Errorf("load TLS files: %w", err)
	}
	return cfg, nil
}

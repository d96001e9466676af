package docker

import (
	"context"
	"crypto/tls"
	"fmt"
	"maps"
	"net"
	"net/http"
	"time"

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
// later with the same client.
func newClient(ep Endpoint, dialers map[string]Dialer) (*client.Client, error) {
	tr := &http.Transport{
		// Like the moby default: a long-running process must not hoard
		// idle connections to the engine.
		MaxIdleConns:    6,
		IdleConnTimeout: 30 * time.Second,
	}
	if ep.TLS != nil {
		cfg, err := tlsConfig(*ep.TLS)
		if err != nil {
			return nil, fmt.Errorf("docker host %s: %w", ep.Host, err)
		}
		tr.TLSClientConfig = cfg
	}
	scheme := "http"
	if ep.TLS != nil {
		scheme = "https"
	}
	opts := []client.Opt{
		client.WithHTTPClient(&http.Client{Transport: tr, CheckRedirect: client.CheckRedirect}),
		// Stated, not inferred: a cloned transport may carry a TLS config
		// even for plain HTTP.
		client.WithScheme(scheme),
	}
	if dial := dialers[ep.Scheme]; dial != nil {
		opts = append(opts,
			client.WithHost(tunnelHost),
			client.WithDialContext(func(ctx context.Context, _, _ string) (net.Conn, error) {
				c, err := dial(ctx, ep)
				if err != nil {
					return nil, &dialError{err}
				}
				return c, nil
			}))
	} else {
		switch ep.Scheme {
		case "unix", "tcp", "npipe":
			opts = append(opts, client.WithHost(ep.Host))
		case "ssh":
			// New plugs sshdial in; only a caller that removed it gets here.
			return nil, fmt.Errorf("docker host %s: no dialer for ssh:// hosts: %w", ep.Host, backend.ErrUnsupported)
		default:
			return nil, fmt.Errorf("docker host %s: scheme %q is %w", ep.Host, ep.Scheme, backend.ErrUnsupported)
		}
	}
	cli, err := client.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("docker host %s: %w", ep.Host, err)
	}
	return cli, nil
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

package docker

import (
	"fmt"
	"net/http"

	"github.com/moby/moby/client"
)

// newStreamClient returns a client for the engine's hijacked streams
// (exec attach). The API client dials a hijacked connection itself, with
// the dialer of its *http.Transport; behind the engine check it cannot
// see one and would dial the placeholder host of an ssh:// tunnel, or a
// TLS host without TLS. This client holds the bare transport, so its
// streams go the way every other call goes.
func newStreamClient(ep Endpoint, dialers map[string]Dialer) (*client.Client, error) {
	tr, host, scheme, err := engineTransport(ep, dialers)
	if err != nil {
		return nil, err
	}
	cli, err := client.New(
		client.WithHTTPClient(&http.Client{Transport: &http.Transport{}}),
		client.WithHost(host),
		client.WithHTTPClient(&http.Client{Transport: tr}),
		client.WithScheme(scheme),
	)
	if err != nil {
		return nil, fmt.Errorf("docker host %s: %w", ep.Host, err)
	}
	return cli, nil
}

package remote

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
)

// redirectTransport dials the test server whatever host a URL names.
func redirectTransport(srv *httptest.Server) http.RoundTripper {
	addr := strings.TrimPrefix(srv.URL, "http://")
	return &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, addr)
	}}
}

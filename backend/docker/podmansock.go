package docker

import (
	"net"
	"path/filepath"
	"time"
)

// RootfulPodmanSocket is where rootful Podman's API service listens
// (podman.socket, or podman system service as root).
const RootfulPodmanSocket = "/run/podman/podman.sock"

// socketAnswerTimeout bounds the connection test of a candidate socket. A
// unix socket accepts or refuses at once; the bound is for a wedged peer.
const socketAnswerTimeout = 500 * time.Millisecond

// podmanSockets are the usual sockets of Podman's API service, rootless
// ($XDG_RUNTIME_DIR/podman/podman.sock) first, then rootful.
func podmanSockets(getenv func(string) string) []string {
	var out []string
	if d := getenv("XDG_RUNTIME_DIR"); d != "" && filepath.IsAbs(d) {
		out = append(out, filepath.Join(d, "podman", "podman.sock"))
	}
	return append(out, RootfulPodmanSocket)
}

// defaultEndpoint is the engine used when nothing names one: Docker's
// standard socket, unless no Docker engine answers there and one of the
// usual Podman sockets does. Only a connection is tried, no API call, so
// an engine that is down is still reported as the Docker default.
func defaultEndpoint(getenv func(string) string, answers func(path string) bool) (Endpoint, error) {
	docker, err := endpoint(DefaultSocket, envTLS(getenv), "default")
	if err != nil || answers(docker.Addr) {
		return docker, err
	}
	for _, p := range podmanSockets(getenv) {
		if answers(p) {
			return endpoint("unix://"+p, nil, "default Podman socket (no Docker engine at "+docker.Addr+")")
		}
	}
	return docker, nil
}

// socketAnswers reports whether something accepts connections on a unix
// socket.
func socketAnswers(path string) bool {
	c, err := net.DialTimeout("unix", path, socketAnswerTimeout)
	if err != nil {
		return false
	}
	_ = c.Close()
	return true
}

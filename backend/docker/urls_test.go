package docker

import (
	"reflect"
	"testing"

	"github.com/ohdash/ohdash/backend"
)

func TestExposedURLsV1(t *testing.T) {
	ports := []backend.PortBinding{
		{ContainerPort: 8001, Protocol: "tcp", HostIP: "::", HostPort: 40001},
		{ContainerPort: 8001, Protocol: "tcp", HostIP: "0.0.0.0", HostPort: 30001},
		{ContainerPort: 8000, Protocol: "tcp", HostIP: "0.0.0.0", HostPort: 30000},
		{ContainerPort: 2222, Protocol: "tcp", HostIP: "127.0.0.1", HostPort: 30022},
		{ContainerPort: 8012, Protocol: "tcp", HostIP: "127.0.0.1", HostPort: 30012},
		{ContainerPort: 8011, Protocol: "tcp", HostIP: "127.0.0.1"}, // exposed, not published
		{ContainerPort: 9999, Protocol: "tcp", HostIP: "127.0.0.1", HostPort: 39999},
		{ContainerPort: 8000, Protocol: "udp", HostIP: "127.0.0.1", HostPort: 31000},
	}
	got := exposedURLs(urlInput{
		Flavor: backend.FlavorAgentServer, Pattern: DefaultURLPattern, Ports: ports,
		Key: "k3yABC", WorkingDir: "/workspace/project",
	})
	want := []backend.ExposedURL{
		{Name: backend.URLAgentServer, URL: "http://localhost:30000", Port: 8000},
		{Name: backend.URLVSCode, URL: "http://localhost:30001/?tkn=k3yABC&folder=/workspace/project", Port: 8001},
		{Name: backend.URLWorker2, URL: "http://localhost:30012", Port: 8012},
		{Name: backend.URLSSH, URL: "ssh://localhost:30022", Port: 2222},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

func TestExposedURLsPatternAndVSCodeQuery(t *testing.T) {
	ports := []backend.PortBinding{
		{ContainerPort: 8001, Protocol: "tcp", HostPort: 5001},
		{ContainerPort: 2222, Protocol: "tcp", HostPort: 5022},
	}
	got := exposedURLs(urlInput{
		Flavor: backend.FlavorAgentServer, Pattern: "https://sandbox.example:{port}/x", Ports: ports,
		WorkingDir: "/work dir/a&b",
	})
	if got[0].URL != "https://sandbox.example:5001/x/?folder=/work+dir/a%26b" {
		t.Errorf("VSCode without key: %q", got[0].URL)
	}
	if got[1].URL != "ssh://sandbox.example:5022" {
		t.Errorf("SSH: %q", got[1].URL)
	}
	if h := patternHost("http://[::1]:{port}"); h != "[::1]" {
		t.Errorf("patternHost IPv6 = %q", h)
	}
}

func TestExposedURLsV0FromEnv(t *testing.T) {
	env := map[string]string{"port": "30123", "VSCODE_PORT": "40123", "APP_PORT_1": "50123", "APP_PORT_2": "bogus"}
	got := exposedURLs(urlInput{
		Flavor: backend.FlavorNestedV0, Pattern: DefaultURLPattern, Env: env,
		// V0 ignores port bindings: the host port equals the container port.
		Ports: []backend.PortBinding{{ContainerPort: 8000, HostPort: 1234}},
		Key:   "secret",
	})
	want := []backend.ExposedURL{
		{Name: backend.URLAgentServer, URL: "http://localhost:30123", Port: 30123},
		{Name: backend.URLVSCode, URL: "http://localhost:40123", Port: 40123},
		{Name: backend.URLWorker1, URL: "http://localhost:50123", Port: 50123},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
	if got := exposedURLs(urlInput{Flavor: backend.FlavorNestedV0, Pattern: DefaultURLPattern}); len(got) != 0 {
		t.Errorf("V0 before inspect: %+v", got)
	}
}

package docker

import (
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// urlOrder is the order exposed URLs are listed in.
var urlOrder = []string{backend.URLAgentServer, backend.URLVSCode, backend.URLWorker1, backend.URLWorker2, backend.URLSSH}

// urlInput is what a sandbox's exposed URLs are built from.
type urlInput struct {
	Flavor backend.Flavor
	// Pattern turns a host port into a URL: "http://localhost:{port}".
	Pattern string
	Ports   []backend.PortBinding
	// Env is the container environment; nil until inspected.
	Env        map[string]string
	Key        string
	WorkingDir string
}

// exposedURLs builds a sandbox's service URLs as OpenHands does. V1: from
// the host ports bound to the well-known container ports. V0: from the
// port= and VSCODE_PORT (APP_PORT_1/2) variables, whose host port equals the
// container port. The VSCODE URL carries the session key as tkn= and the
// working directory as folder=, for V1 sandboxes.
func exposedURLs(in urlInput) []backend.ExposedURL {
	var out []backend.ExposedURL
	if in.Flavor == backend.FlavorNestedV0 {
		for _, v := range []struct{ env, name string }{
			{envV0Port, backend.URLAgentServer},
			{envV0VSCodePort, backend.URLVSCode},
			{envV0AppPort1, backend.URLWorker1},
			{envV0AppPort2, backend.URLWorker2},
		} {
			if p, err := strconv.Atoi(in.Env[v.env]); err == nil && p > 0 && p < 65536 {
				out = append(out, backend.ExposedURL{Name: v.name, URL: fillPort(in.Pattern, p), Port: p})
			}
		}
		return out
	}
	seen := map[string]bool{}
	for _, pb := range sortedBindings(in.Ports) {
		name, ok := knownPorts[pb.ContainerPort]
		if !ok || pb.HostPort == 0 || (pb.Protocol != "" && pb.Protocol != "tcp") || seen[name] {
			continue
		}
		seen[name] = true
		u := backend.ExposedURL{Name: name, URL: fillPort(in.Pattern, pb.HostPort), Port: pb.ContainerPort}
		switch name {
		case backend.URLVSCode:
			u.URL += vscodeQuery(in.Key, in.WorkingDir)
		case backend.URLSSH:
			u.URL = "ssh://" + patternHost(in.Pattern) + ":" + strconv.Itoa(pb.HostPort)
		}
		out = append(out, u)
	}
	slices.SortStableFunc(out, func(a, b backend.ExposedURL) int {
		return slices.Index(urlOrder, a.Name) - slices.Index(urlOrder, b.Name)
	})
	return out
}

// sortedBindings puts IPv4 bindings first, so that of the two bindings
// Docker reports for one port (0.0.0.0 and ::) the IPv4 one is used.
func sortedBindings(ports []backend.PortBinding) []backend.PortBinding {
	out := slices.Clone(ports)
	slices.SortStableFunc(out, func(a, b backend.PortBinding) int {
		return boolInt(strings.Contains(a.HostIP, ":")) - boolInt(strings.Contains(b.HostIP, ":"))
	})
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func fillPort(pattern string, port int) string {
	return strings.ReplaceAll(pattern, "{port}", strconv.Itoa(port))
}

// patternHost is the host name the URL pattern points at, for the ssh://
// URL of the SSH port.
func patternHost(pattern string) string {
	u, err := url.Parse(fillPort(pattern, 1))
	if err != nil || u.Hostname() == "" {
		return "localhost"
	}
	if strings.Contains(u.Hostname(), ":") {
		return "[" + u.Hostname() + "]"
	}
	return u.Hostname()
}

// vscodeQuery is the query OpenHands appends to the VSCODE URL:
// /?tkn=<session key>&folder=<working dir>. Slashes in the folder stay
// readable, as upstream writes them.
func vscodeQuery(key, folder string) string {
	var parts []string
	if key != "" {
		parts = append(parts, "tkn="+url.QueryEscape(key))
	}
	if folder != "" {
		parts = append(parts, "folder="+strings.ReplaceAll(url.QueryEscape(folder), "%2F", "/"))
	}
	if len(parts) == 0 {
		return ""
	}
	return "/?" + strings.Join(parts, "&")
}

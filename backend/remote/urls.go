package remote

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// Ports inside a remote sandbox (PROTOCOL §5.3).
const (
	agentServerPort = 60000
	vscodePort      = 60001
	worker1Port     = 12000
	worker2Port     = 12001
)

// vscodeFolder is where OpenHands opens VSCode in a remote sandbox.
const vscodeFolder = "/workspace/project"

// serviceURL builds the URL of a sidecar service (vscode, work-1, work-2)
// from the runtime URL, in the routing mode that URL shows: path mode when
// its path starts with /{runtime_id} ({scheme}://{host}/{runtime_id}/{service}),
// subdomain mode otherwise ({scheme}://{service}-{host}{path}).
func serviceURL(runtimeURL, service, runtimeID string) (string, bool) {
	u, err := url.Parse(runtimeURL)
	if err != nil || u.Host == "" {
		return "", false
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if runtimeID != "" && strings.HasPrefix(path, "/"+runtimeID) {
		return u.Scheme + "://" + u.Host + "/" + runtimeID + "/" + service, true
	}
	return u.Scheme + "://" + service + "-" + u.Host + path, true
}

// exposedURLs lists a runtime's services: the agent-server at the runtime
// URL, VSCode with its connection token, the two worker ports, and any
// work_hosts the API reported that are not among them already.
func exposedURLs(rt *runtimeInfo, key backend.Secret) []backend.ExposedURL {
	if rt.URL == "" {
		return nil
	}
	out := []backend.ExposedURL{{Name: backend.URLAgentServer, URL: rt.URL, Port: agentServerPort}}
	id := rt.runtimeID()
	if v, ok := serviceURL(rt.URL, "vscode", id); ok {
		v += "?"
		if !key.IsZero() {
			v += "tkn=" + url.QueryEscape(key.Reveal()) + "&"
		}
		v += "folder=" + url.QueryEscape(vscodeFolder)
		out = append(out, backend.ExposedURL{Name: backend.URLVSCode, URL: v, Port: vscodePort})
	}
	if w, ok := serviceURL(rt.URL, "work-1", id); ok {
		out = append(out, backend.ExposedURL{Name: backend.URLWorker1, URL: w, Port: worker1Port})
	}
	if w, ok := serviceURL(rt.URL, "work-2", id); ok {
		out = append(out, backend.ExposedURL{Name: backend.URLWorker2, URL: w, Port: worker2Port})
	}
	var work map[string]int
	if len(rt.WorkHosts) > 0 && json.Unmarshal(rt.WorkHosts, &work) != nil {
		work = nil // a garbled work_hosts costs the extra URLs, nothing else
	}
	hosts := make([]string, 0, len(work))
	for h := range work {
		if !slices.ContainsFunc(out, func(e backend.ExposedURL) bool { return sameURL(e.URL, h) }) {
			hosts = append(hosts, h)
		}
	}
	slices.SortFunc(hosts, func(a, b string) int {
		if c := work[a] - work[b]; c != 0 {
			return c
		}
		return strings.Compare(a, b)
	})
	for i, h := range hosts {
		out = append(out, backend.ExposedURL{Name: "WORK_HOST_" + strconv.Itoa(i+1), URL: h, Port: work[h]})
	}
	return out
}

func sameURL(a, b string) bool {
	return strings.TrimRight(a, "/") == strings.TrimRight(b, "/")
}

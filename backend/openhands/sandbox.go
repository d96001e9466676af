package openhands

import (
	"fmt"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// sandboxInfo is the app-server's SandboxInfo.
type sandboxInfo struct {
	ID            string  `json:"id"`
	User          *string `json:"created_by_user_id"`
	SpecID        string  `json:"sandbox_spec_id"`
	Status        string  `json:"status"`
	SessionAPIKey *string `json:"session_api_key"`
	ExposedURLs   []struct {
		Name string `json:"name"`
		URL  string `json:"url"`
		Port int    `json:"port"`
	} `json:"exposed_urls"`
	CreatedAt string `json:"created_at"`
}

type sandboxPage struct {
	Items      []sandboxInfo `json:"items"`
	NextPageID *string       `json:"next_page_id"`
}

// maxIDLen bounds an id: OpenHands' are oh-agent-server-<base62> (38) or
// base62 (22); a remote sandbox service may use UUIDs.
const maxIDLen = 200

// checkID refuses, at the edge, an id no app-server makes: anything but
// letters, digits and "-_.", or too long. Such an id never reaches a URL
// path or the screen.
func checkID(id string) error {
	ok := id != "" && len(id) <= maxIDLen
	for i := 0; ok && i < len(id); i++ {
		c := id[i]
		ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.'
	}
	if ok {
		return nil
	}
	return fmt.Errorf("%w: %+q is not an app-server sandbox id", backend.ErrInvalidID, clientkit.Truncate(id, 40))
}

// toSandbox maps SandboxInfo onto ohdash's Sandbox. The status is the
// app-server's own word (it already folds Docker, Podman, process and
// remote states into SandboxStatus); an unknown word shows as ERROR with
// the word kept.
func (b *Backend) toSandbox(si sandboxInfo) backend.Sandbox {
	sb := backend.Sandbox{
		ID: si.ID, Source: b.opts.Name, Flavor: backend.FlavorAgentServer,
		Status: backend.Status(si.Status), RawState: clientkit.SanitizeLine(si.Status, 40),
		SpecID: clientkit.SanitizeLine(si.SpecID, 200), CreatedAt: clientkit.ParseTime(si.CreatedAt),
		WorkingDir: "/workspace/project",
	}
	if !sb.Status.Valid() {
		sb.StatusDetail = "the app-server says " + sb.RawState
		sb.Status = backend.StatusError
	}
	if strings.Contains(sb.SpecID, ":") || strings.Contains(sb.SpecID, "/") {
		sb.Image = sb.SpecID // Docker and remote specs are image references
	}
	if si.SessionAPIKey != nil && *si.SessionAPIKey != "" {
		sb.SessionAPIKey = backend.NewSecret(*si.SessionAPIKey)
	}
	for _, u := range si.ExposedURLs {
		sb.ExposedURLs = append(sb.ExposedURLs, backend.ExposedURL{Name: clientkit.SanitizeLine(u.Name, 40), URL: u.URL, Port: u.Port})
		backend.RememberURLSecrets(u.URL)
	}
	switch {
	case sb.Status != backend.StatusRunning:
		sb.Health = backend.Health{State: backend.HealthNone}
	case sb.AgentURL() != "":
		// The app-server reports RUNNING only after its own health check
		// of the agent-server passed (docker_sandbox_service.py).
		sb.Health = backend.Health{State: backend.HealthOK, Checked: b.opts.Now(), Detail: "checked by the app-server"}
	}
	sb.Details = []backend.Field{{Name: "App-server", Value: b.host}}
	if si.User != nil && *si.User != "" {
		sb.Details = append(sb.Details, backend.Field{Name: "Created by", Value: clientkit.SanitizeLine(*si.User, 80)})
	}
	return sb
}

// newestFirst orders sandboxes as the app-server lists them.
func newestFirst(a, b backend.Sandbox) int {
	if c := b.CreatedAt.Compare(a.CreatedAt); c != 0 {
		return c
	}
	return strings.Compare(a.ID, b.ID)
}

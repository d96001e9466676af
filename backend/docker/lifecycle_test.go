package docker

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	cerrdefs "github.com/containerd/errdefs"
	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

const waitLong = 30 * time.Second

func TestLifecycleAgainstDocker(t *testing.T) {
	e := dockertest.New(t)
	b := testBackend(t, e, "")
	ctx := t.Context()
	w := watch(t, b)
	waitFor(t, w, waitLong, "an empty, live list", func(s backend.Snapshot) bool {
		return s.Listed && s.Conn.Phase == backend.ConnLive && len(s.Sandboxes) == 0
	})

	// An old agent-server answers /health with "OK", a new one with
	// {"status":"ok"}: both must read healthy.
	old, err := b.Start(ctx, backend.StartRequest{Env: map[string]string{"AGENTSIM_VERSION": "1.1.0"}})
	if err != nil {
		t.Fatal(err)
	}
	cur, err := b.Start(ctx, backend.StartRequest{SpecID: "my-spec"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := b.Start(ctx, backend.StartRequest{Image: "ohdash-test-missing:nope"}); !errors.Is(err, backend.ErrImageUnavailable) || errors.Is(err, backend.ErrNotFound) {
		t.Errorf("start with a missing image: %v, want ErrImageUnavailable (and not ErrNotFound: no sandbox is missing)", err)
	}
	checkStarted(t, e, old, e.Image)
	checkStarted(t, e, cur, "my-spec")

	s := waitFor(t, w, waitLong, "both sandboxes healthy", func(s backend.Snapshot) bool {
		return hasStatus(old.ID, backend.StatusRunning, backend.HealthOK)(s) && hasStatus(cur.ID, backend.StatusRunning, backend.HealthOK)(s)
	})
	sb, _ := find(s, cur.ID)
	checkAgentKey(t, sb)

	list, err := b.List(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != cur.ID || list[1].ID != old.ID {
		t.Fatalf("List should return both, newest first: %+v", list)
	}
	for _, sb := range list {
		if sb.Status != backend.StatusRunning || sb.Health.State != backend.HealthOK || sb.SessionAPIKey.IsZero() {
			t.Errorf("List: %s is %s, health %s", sb.ID, sb.Status, sb.Health.State)
		}
	}

	// Pause and resume.
	if err := b.Pause(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, w, waitLong, "paused", hasStatus(old.ID, backend.StatusPaused, backend.HealthNone))
	if err := b.Pause(ctx, old.ID); !errors.Is(err, backend.ErrConflict) {
		t.Errorf("pausing a paused sandbox: %v, want ErrConflict", err)
	}
	if err := b.Resume(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, w, waitLong, "resumed", hasStatus(old.ID, backend.StatusRunning, backend.HealthOK))

	// A stopped (exited) container is PAUSED; resume starts it again.
	if err := b.Stop(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	// The list reads the new state at once; the exit code follows from an
	// inspect, so wait for both.
	waitFor(t, w, waitLong, "exited reads PAUSED with its exit code", func(s backend.Snapshot) bool {
		sb, _ := find(s, old.ID)
		return hasStatus(old.ID, backend.StatusPaused, backend.HealthNone)(s) &&
			sb.RawState == "exited" && strings.HasPrefix(sb.StatusDetail, "exited (code ")
	})
	if err := b.Stop(ctx, old.ID); err != nil {
		t.Errorf("stopping a stopped sandbox should do nothing: %v", err)
	}
	if err := b.Pause(ctx, old.ID); !errors.Is(err, backend.ErrConflict) {
		t.Errorf("pausing an exited sandbox: %v, want ErrConflict", err)
	}
	if err := b.Resume(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, w, waitLong, "restarted", hasStatus(old.ID, backend.StatusRunning, backend.HealthOK))

	// Delete removes the container and its workspace volume.
	vol := workspaceVolumePrefix + old.ID
	e.CreateVolume(t, vol)
	if err := b.Delete(ctx, old.ID); err != nil {
		t.Fatal(err)
	}
	waitFor(t, w, waitLong, "deleted sandbox gone", func(s backend.Snapshot) bool {
		_, there := find(s, old.ID)
		return !there && len(s.Sandboxes) == 1
	})
	if _, err := e.Client.VolumeInspect(ctx, vol, client.VolumeInspectOptions{}); !cerrdefs.IsNotFound(err) {
		t.Errorf("volume %s should be removed: %v", vol, err)
	}
	for name, err := range map[string]error{
		"delete again":   b.Delete(ctx, old.ID),
		"pause missing":  b.Pause(ctx, old.ID),
		"resume missing": b.Resume(ctx, old.ID),
		"stop missing":   b.Stop(ctx, old.ID),
	} {
		if !errors.Is(err, backend.ErrNotFound) || !cerrdefs.IsNotFound(err) {
			t.Errorf("%s: %v, want ErrNotFound", name, err)
		}
	}
	for _, id := range []string{"postgres", "oh-agent-server-someone-else", ""} {
		if err := b.Delete(ctx, id); !errors.Is(err, backend.ErrInvalidID) {
			t.Errorf("delete %q: %v, want ErrInvalidID", id, err)
		}
	}
	// Deleting a paused sandbox works too.
	if err := b.Pause(ctx, cur.ID); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, cur.ID); err != nil {
		t.Fatalf("delete paused: %v", err)
	}
	waitFor(t, w, waitLong, "empty again", func(s backend.Snapshot) bool { return len(s.Sandboxes) == 0 })
}

// checkStarted checks what Start returned against OpenHands' conventions.
func checkStarted(t *testing.T, e *dockertest.Env, sb backend.Sandbox, specID string) {
	t.Helper()
	key := sb.SessionAPIKey.Reveal()
	if !strings.HasPrefix(sb.ID, e.V1Prefix) || sb.Flavor != backend.FlavorAgentServer || sb.Source != DefaultName {
		t.Errorf("started sandbox id/flavor/source: %s %s %s", sb.ID, sb.Flavor, sb.Source)
	}
	if sb.Status != backend.StatusStarting && sb.Status != backend.StatusRunning {
		t.Errorf("fresh sandbox is %s (%s)", sb.Status, sb.StatusDetail)
	}
	if len(key) < 38 || sb.SpecID != specID || sb.Labels[labelSpecID] != specID || sb.Labels[dockertest.LabelTest] != e.RunID {
		t.Errorf("key %d chars, spec %q, labels %v", len(key), sb.SpecID, sb.Labels)
	}
	if sb.WorkingDir != DefaultWorkingDir || sb.StartedAt.IsZero() || sb.TTY {
		t.Errorf("working dir %q, started %v, tty %v", sb.WorkingDir, sb.StartedAt, sb.TTY)
	}
	env := map[string]backend.EnvVar{}
	for _, v := range sb.Env {
		env[v.Name] = v
	}
	if v := env[envSessionKeyV1]; v.Value != key || !v.Sensitive {
		t.Errorf("key env var: %+v", v)
	}
	if env["LOG_JSON"].Value != "true" || env["AGENT_SERVER"].Value != "8000" || env["OH_CONVERSATIONS_PATH"].Value != "/workspace/conversations" {
		t.Errorf("spec env missing: %v", sb.Env)
	}
	agent, _ := sb.URL(backend.URLAgentServer)
	vscode, _ := sb.URL(backend.URLVSCode)
	if !strings.HasPrefix(agent.URL, "http://localhost:") || agent.URL == "http://localhost:8000" || agent.Port != 8000 {
		t.Errorf("agent URL %+v", agent)
	}
	if !strings.HasSuffix(vscode.URL, "/?tkn="+key+"&folder=/workspace/project") {
		t.Errorf("VSCode URL %q", vscode.URL)
	}
	if len(sb.ExposedURLs) != 4 {
		t.Errorf("want 4 exposed URLs, got %+v", sb.ExposedURLs)
	}
	for _, p := range sb.Ports {
		if p.HostIP != "127.0.0.1" {
			t.Errorf("port %d published on %q, want 127.0.0.1", p.ContainerPort, p.HostIP)
		}
	}
}

// checkAgentKey proves the key read back from the container is the one the
// agent-server accepts.
func checkAgentKey(t *testing.T, sb backend.Sandbox) {
	t.Helper()
	get := func(key string) int {
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, sb.AgentURL()+"/api/conversations/search", nil)
		if key != "" {
			req.Header.Set("X-Session-API-Key", key)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		return resp.StatusCode
	}
	if got := get(""); got != http.StatusUnauthorized {
		t.Errorf("without a key: HTTP %d, want 401", got)
	}
	if got := get(sb.SessionAPIKey.Reveal()); got == http.StatusUnauthorized {
		t.Errorf("with the sandbox key: HTTP %d", got)
	}
	http.DefaultClient.CloseIdleConnections()
}

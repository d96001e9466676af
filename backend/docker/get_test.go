package docker

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/docker/dockertest"
)

// TestGetReadsOneSandboxAsItIsNow: Get answers what List answers for the
// same sandbox, sees the new host port after a restart, and refuses what
// is not a sandbox.
func TestGetReadsOneSandboxAsItIsNow(t *testing.T) {
	e := dockertest.New(t)
	b := testBackend(t, e, "")
	ctx := t.Context()
	_, name := e.Run(t, dockertest.RunOptions{Ports: []int{8000}})

	var listed backend.Sandbox
	deadline := time.Now().Add(waitLong)
	for {
		all, err := b.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, sb := range all {
			if sb.ID == name {
				listed = sb
			}
		}
		if listed.Health.State == backend.HealthOK || time.Now().After(deadline) {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	got, err := b.Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != listed.ID || got.Status != listed.Status || got.Health.State != backend.HealthOK ||
		len(got.ExposedURLs) == 0 || got.ExposedURLs[0].URL != listed.ExposedURLs[0].URL ||
		got.SessionAPIKey.Reveal() != listed.SessionAPIKey.Reveal() {
		t.Fatalf("Get = %+v\nList = %+v", got, listed)
	}

	if _, err := e.Client.ContainerRestart(ctx, name, client.ContainerRestartOptions{}); err != nil {
		t.Fatal(err)
	}
	after, err := b.Get(ctx, name)
	if err != nil {
		t.Fatal(err)
	}
	// Docker publishes a new host port on a restart, Podman keeps it:
	// either way Get must give the port the engine has now.
	res, err := e.Client.ContainerInspect(ctx, name, client.ContainerInspectOptions{})
	if err != nil {
		t.Fatal(err)
	}
	var port string
	for p, binds := range res.Container.NetworkSettings.Ports {
		if p.Num() == 8000 && len(binds) > 0 {
			port = binds[0].HostPort
		}
	}
	if len(after.ExposedURLs) == 0 || port == "" || !strings.HasSuffix(after.ExposedURLs[0].URL, ":"+port) {
		t.Errorf("after a restart Get gives %v, the engine publishes port %q (before: %v)", after.ExposedURLs, port, got.ExposedURLs)
	}
	if !dockertest.IsPodman() && after.ExposedURLs[0].URL == got.ExposedURLs[0].URL {
		t.Errorf("Docker kept the port across a restart; the test needs a new one: %v", after.ExposedURLs)
	}

	if _, err := b.Get(ctx, e.V1Prefix+"no-such-sandbox"); !errors.Is(err, backend.ErrNotFound) {
		t.Errorf("Get of a missing sandbox: %v, want ErrNotFound", err)
	}
	if _, err := b.Get(ctx, "not-a-sandbox-name"); err == nil {
		t.Error("Get of a name without a sandbox prefix succeeded")
	}
}

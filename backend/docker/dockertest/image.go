package dockertest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/moby/moby/client"

	"github.com/ohdash/ohdash/backend/docker/simimage"
)

var (
	buildOnce sync.Once
	builtBin  []byte
	buildErr  error
)

// AgentsimImage returns the reference of an image that runs the project's
// cmd/agentsim as its entrypoint (default command --port 8000), building
// the static binary and the FROM-scratch image when needed (see
// simimage). The tag is the binary's hash, so test packages running at the
// same time share it.
func AgentsimImage(t testing.TB, cli *client.Client) string {
	t.Helper()
	buildOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		builtBin, buildErr = simimage.Build(ctx, simimage.BuildOptions{})
	})
	if buildErr != nil {
		t.Fatalf("build agentsim: %v", buildErr)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	ref, _, err := simimage.Ensure(ctx, cli, "ohdash-agentsim", builtBin, map[string]string{LabelTest + ".image": "agentsim"})
	if err != nil {
		t.Fatal(err)
	}
	return ref
}

// Package dockertest runs tests against a real Docker engine: it finds the
// engine (skipping, or failing under CI=true, when there is none), builds
// the agentsim image from the project's own cmd/agentsim, starts throwaway
// sandbox containers, and removes everything a test created even when the
// test fails. It also offers a unix-socket proxy to the engine that counts
// API calls and can cut the connection.
//
// It deliberately does not import backend/docker, so that package's own
// tests can use it.
package dockertest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// LabelTest marks every container and volume a test creates; its value is
// the test's run id.
const LabelTest = "ohdash.test"

// Require returns a client for the Docker engine the environment points at
// (DOCKER_HOST or the standard socket). Without an engine the test is
// skipped with a clear message, or fails when CI=true: in CI the Docker
// tests must run.
func Require(t testing.TB) *client.Client {
	t.Helper()
	cli, err := client.New(client.FromEnv)
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err = cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
		cancel()
		if err != nil {
			_ = cli.Close()
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("a Docker engine is required when CI=true: %v", err)
		}
		t.Skipf("skipping: no Docker engine reachable (%v); with CI=true this fails", err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	return cli
}

// RandomID returns n random bytes as hex: unique names for test objects.
func RandomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

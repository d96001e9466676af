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
	"strings"
	"testing"
	"time"

	"github.com/moby/moby/client"
)

// LabelTest marks every container and volume a test creates; its value is
// the test's run id.
const LabelTest = "ohdash.test"

// EnvEngine names the engine the real-engine tests run against: "docker"
// (the default) or "podman". The engine itself is found like the docker
// CLI finds it (DOCKER_HOST or the standard socket); Require checks that
// the one answering is the one named, so a run meant for Podman cannot
// quietly test Docker again.
const EnvEngine = "OHDASH_TEST_ENGINE"

// Require returns a client for the engine the environment points at
// (DOCKER_HOST or the standard socket). Without an engine the test is
// skipped with a clear message, or fails when CI=true: in CI the
// real-engine tests must run. An engine other than the one EnvEngine names
// fails the test.
func Require(t testing.TB) *client.Client {
	t.Helper()
	want := Engine()
	cli, err := client.New(client.FromEnv)
	var kind string
	if err == nil {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		_, err = cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true})
		if err == nil {
			kind, err = engineKind(ctx, cli)
		}
		cancel()
		if err != nil {
			_ = cli.Close()
		}
	}
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("a %s engine is required when CI=true: %v", want, err)
		}
		t.Skipf("skipping: no %s engine reachable (%v); with CI=true this fails", want, err)
	}
	t.Cleanup(func() { _ = cli.Close() })
	if kind != want {
		t.Fatalf("%s=%q but the engine at DOCKER_HOST is %s", EnvEngine, os.Getenv(EnvEngine), kind)
	}
	return cli
}

// Engine is the engine the tests run against: "docker" or "podman".
func Engine() string {
	if e := strings.ToLower(os.Getenv(EnvEngine)); e != "" {
		return e
	}
	return "docker"
}

// IsPodman reports whether the tests run against Podman.
func IsPodman() bool { return Engine() == "podman" }

// engineKind tells Podman from Docker by the components /version lists.
func engineKind(ctx context.Context, cli *client.Client) (string, error) {
	v, err := cli.ServerVersion(ctx, client.ServerVersionOptions{})
	if err != nil {
		return "", err
	}
	for _, c := range v.Components {
		if c.Name == "Podman Engine" {
			return "podman", nil
		}
	}
	return "docker", nil
}

// RandomID returns n random bytes as hex: unique names for test objects.
func RandomID(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

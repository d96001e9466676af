package openhands

import (
	"context"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/appserver"
)

const testKey = "app-server-test-key-9f8e7d6c5b4a"

func startSim(t testing.TB, cfg appserver.Config, seed appserver.SeedOptions) *appserver.Server {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	if cfg.APIKey == "" {
		cfg.APIKey = testKey
	}
	s, err := appserver.Start(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cancel(); s.Close() })
	if _, err := s.Seed(seed); err != nil {
		t.Fatal(err)
	}
	return s
}

func newBackend(t testing.TB, s *appserver.Server, key string) *Backend {
	t.Helper()
	b, err := New(Options{Name: "cloud", URL: s.URL, APIKey: backend.NewSecret(key), RetryBase: time.Millisecond, RequestTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func ctxT(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

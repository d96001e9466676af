package remote

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/remote/store"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

const testKey = "runtime-api-test-key"

// rig is a backend wired to a runtime API simulator on loopback, sharing
// one manual clock with it, and storing into a temporary file.
type rig struct {
	t     testing.TB
	sim   *runtimeapi.Sim
	srv   *httptest.Server
	clock *runtimeapi.ManualClock
	store *store.Store
	b     *Backend
}

func newRig(t testing.TB, cfg runtimeapi.Config, tune func(*Options)) *rig {
	t.Helper()
	clock := runtimeapi.NewManualClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	cfg.APIKey, cfg.Now = testKey, clock.Now
	if cfg.Seed == 0 {
		cfg.Seed = 7
	}
	sim := runtimeapi.New(cfg)
	srv := httptest.NewServer(sim)
	t.Cleanup(srv.Close)
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "remote.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r := &rig{t: t, sim: sim, srv: srv, clock: clock, store: st}
	r.b = r.backend(tune)
	return r
}

// backend builds another backend on the rig's API and store, as a second
// ohdash (or a restarted one) would.
func (r *rig) backend(tune func(*Options)) *Backend {
	r.t.Helper()
	o := Options{
		URL: r.srv.URL, APIKey: backend.NewSecret(testKey), Store: r.store, Now: r.clock.Now,
		PollInterval: 20 * time.Millisecond, MaxBackoff: 50 * time.Millisecond,
		RequestTimeout: 2 * time.Second, RetryBase: time.Millisecond, WaitPoll: time.Millisecond,
		User: "tester",
	}
	if tune != nil {
		tune(&o)
	}
	b, err := New(o)
	if err != nil {
		r.t.Fatal(err)
	}
	return b
}

func (r *rig) list() map[string]backend.Sandbox {
	r.t.Helper()
	sbs, err := r.b.List(context.Background())
	if err != nil {
		r.t.Fatalf("List: %v", err)
	}
	out := make(map[string]backend.Sandbox, len(sbs))
	for _, s := range sbs {
		out[s.ID] = s
	}
	return out
}

// startReady starts a sandbox and waits, moving the clock, until it is ready.
func (r *rig) startReady() backend.Sandbox {
	r.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	sb, err := r.b.Start(ctx, backend.StartRequest{})
	if err != nil {
		r.t.Fatalf("Start: %v", err)
	}
	sb, err = r.b.WaitReady(ctx, sb.ID, func(backend.Sandbox) { r.clock.Advance(time.Second) })
	if err != nil {
		r.t.Fatalf("WaitReady: %v", err)
	}
	return sb
}

// Package fleet assembles the simulators into a whole OpenHands deployment
// in one process: a runtime API whose runtimes each serve an agent-server
// emulator with scripted conversations. `ohdash demo` runs on it, and
// tests use it to exercise remote sandboxes and their conversations end to
// end without Docker.
package fleet

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/faults"
	"github.com/ohdash/ohdash/backend/sim/runtimeapi"
)

// Options shape the deployment.
type Options struct {
	// Runtimes is how many runtimes to seed (they were "started earlier").
	Runtimes int
	// Mix is the share of paused, stopped, starting and crash-looping
	// runtimes among them; the rest are ready.
	Mix runtimeapi.Mix
	// Conversations is the number of conversations each runtime hosts
	// when its agent-server first answers.
	Conversations int
	// Pace is the scripted agents' pause between steps.
	Pace time.Duration
	// Realistic adds pending/starting delays to new runtimes.
	Realistic bool
	// APIKey is the runtime API key; empty picks "demo-runtime-api-key".
	APIKey string
	// Confirmation is the confirmation policy of seeded conversations
	// ("AlwaysConfirm" makes agents wait for a person).
	Confirmation string
	// Seed makes ids reproducible (0: random).
	Seed uint64
	// Freezer, when set, holds every connection's traffic while it is
	// frozen (runtime API and agent-servers alike), for fault tests.
	Freezer *faults.Freezer
}

// Fleet is a running deployment.
type Fleet struct {
	// URL is the runtime API's base URL (http on loopback).
	URL string
	// APIKey is the runtime API key.
	APIKey string
	// Sim is the runtime API simulator, for knobs and counts.
	Sim *runtimeapi.Sim

	opts   Options
	srv    *http.Server
	mu     sync.Mutex
	agents map[string]*agentserver.Server
}

// Start listens on a loopback port and serves the deployment until ctx is
// done or Close is called.
func Start(ctx context.Context, opts Options) (*Fleet, error) {
	if opts.APIKey == "" {
		opts.APIKey = "demo-runtime-api-key"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fleet: listen: %w", err)
	}
	if opts.Freezer != nil {
		ln = opts.Freezer.Listener(ln)
	}
	f := &Fleet{URL: "http://" + ln.Addr().String(), APIKey: opts.APIKey, opts: opts, agents: map[string]*agentserver.Server{}}
	cfg := runtimeapi.Config{APIKey: opts.APIKey, PublicURL: f.URL, Runtime: f.agentFor, Seed: opts.Seed}
	if opts.Realistic {
		r := runtimeapi.Realistic()
		cfg.PendingFor, cfg.ReadyAfter, cfg.ListStoppedFor, cfg.ForgetStoppedAfter = r.PendingFor, r.ReadyAfter, r.ListStoppedFor, r.ForgetStoppedAfter
	}
	f.Sim = runtimeapi.New(cfg)
	if opts.Runtimes > 0 {
		f.Sim.Seed(opts.Runtimes, opts.Mix)
	}
	f.srv = &http.Server{Handler: f.Sim, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := f.srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			_ = ln.Close()
		}
	}()
	go func() {
		<-ctx.Done()
		f.Close()
	}()
	return f, nil
}

// titles are what the seeded conversations are about.
var titles = []string{
	"Fix the failing date parser test",
	"Add retries to the webhook sender",
	"Upgrade the CI image to Go 1.26",
	"Explain the flaky integration test",
	"Refactor the settings loader",
	"Write docs for the export command",
}

// agentFor builds the agent-server emulator behind one runtime's URL,
// seeded with the configured number of conversations.
func (f *Fleet) agentFor(runtimeID string, key backend.Secret) http.Handler {
	f.mu.Lock()
	defer f.mu.Unlock()
	if a, ok := f.agents[runtimeID]; ok {
		return a
	}
	a, err := agentserver.New(agentserver.Options{Keys: []string{key.Reveal()}, Pace: f.opts.Pace, Confirmation: f.opts.Confirmation})
	if err != nil {
		return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "agent-server emulator: "+err.Error(), http.StatusInternalServerError)
		})
	}
	statuses := []string{"finished", "idle", "waiting_for_confirmation", "running", "paused", "error"}
	for i := range f.opts.Conversations {
		n := len(f.agents) + i
		spec := agentserver.SeedSpec{
			Title: titles[n%len(titles)], Message: titles[n%len(titles)], Turns: 1 + n%3,
			Status: statuses[n%len(statuses)], CreatedAt: time.Now().Add(-time.Duration(n+1) * 7 * time.Minute),
			Model: models[n%len(models)],
		}
		if spec.Status == "waiting_for_confirmation" {
			spec.Confirmation = "AlwaysConfirm"
		}
		_, _ = a.Seed(spec)
	}
	f.agents[runtimeID] = a
	return a
}

// models are the LLMs seeded conversations use, so spend by model has
// more than one row (names as LiteLLM proxies report them).
var models = []string{
	"litellm_proxy/anthropic/claude-sonnet-4-5-20250929",
	"litellm_proxy/openai/gpt-5-2025-08-07",
	"litellm_proxy/deepseek/deepseek-chat",
}

// Agent returns the agent-server emulator of a runtime, once its URL has
// been requested.
func (f *Fleet) Agent(runtimeID string) (*agentserver.Server, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	a, ok := f.agents[runtimeID]
	return a, ok
}

// Close stops serving and closes every emulator.
func (f *Fleet) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = f.srv.Shutdown(ctx)
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, a := range f.agents {
		a.Close()
	}
	f.agents = map[string]*agentserver.Server{}
}

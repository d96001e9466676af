package appserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/ohdash/ohdash/backend/sim/agentserver"
	"github.com/ohdash/ohdash/backend/sim/wire"
)

// SeedOptions describe a deployment that has been in use for a while.
type SeedOptions struct {
	// Sandboxes is how many sandboxes exist; Paused of them are paused.
	Sandboxes, Paused int
	// Conversations is the total number of app conversations, spread over
	// the sandboxes in turn; SubConversations of them are children of the
	// conversation seeded just before them.
	Conversations, SubConversations int
}

var seedTitles = []string{
	"Fix the failing date parser test", "Add retries to the webhook sender",
	"Upgrade the CI image", "Explain the flaky integration test",
	"Refactor the settings loader", "Write docs for the export command",
}

var seedStatuses = []string{
	agentserver.StatusFinished, agentserver.StatusIdle, agentserver.StatusWaitingForConfirmation,
	agentserver.StatusPaused, agentserver.StatusError,
}

// Seed adds sandboxes and conversations created in the past, none of them
// running an agent (a quiet deployment), and returns the sandbox ids.
func (s *Sim) Seed(o SeedOptions) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	var sbs []*sandbox
	for i := range o.Sandboxes {
		st := StatusRunning
		if i < o.Paused {
			st = StatusPaused
		}
		sb, err := s.addSandboxLocked(DefaultSpecID, st, now.Add(-time.Duration(o.Sandboxes-i)*time.Minute))
		if err != nil {
			return nil, err
		}
		sbs = append(sbs, sb)
	}
	if len(sbs) == 0 && o.Conversations > 0 {
		return nil, errors.New("seed: conversations need sandboxes")
	}
	subsFrom := o.Conversations - o.SubConversations
	prev := ""
	for i := range o.Conversations {
		sb := sbs[i%len(sbs)]
		hex := s.randomHexLocked()
		dashed, _ := wire.ParseUUID(hex)
		created := now.Add(-time.Duration(o.Conversations-i) * 10 * time.Second)
		title := seedTitles[i%len(seedTitles)]
		spec := agentserver.SeedSpec{
			ID: dashed, Title: title, Message: title, Turns: 1 + i%2,
			Status: seedStatuses[i%len(seedStatuses)], CreatedAt: created,
		}
		if spec.Status == agentserver.StatusWaitingForConfirmation {
			spec.Confirmation = "AlwaysConfirm"
		}
		if _, err := sb.agent.Seed(spec); err != nil {
			return nil, fmt.Errorf("seed conversation %d: %w", i, err)
		}
		c := &conv{
			hex: hex, dashed: dashed, sandboxID: sb.id, title: title, trigger: "gui",
			model: "litellm_proxy/claude-sonnet-4-5-20250929", createdAt: created, updatedAt: created,
		}
		if i%3 == 0 {
			c.repo, c.branch, c.provider = "acme/widgets", "main", "github"
		}
		if i >= subsFrom && prev != "" {
			c.parent = prev
		}
		s.convs[hex] = c
		prev = hex
	}
	s.syncLocked()
	return sandboxIDs(sbs), nil
}

func sandboxIDs(sbs []*sandbox) []string {
	out := make([]string, len(sbs))
	for i, sb := range sbs {
		out[i] = sb.id
	}
	return out
}

// Server is a simulator served on a loopback port.
type Server struct {
	*Sim
	// URL is the app-server's base URL.
	URL string
	srv *http.Server
}

// Start serves a new simulator on a loopback port until ctx is done or
// Close is called.
func Start(ctx context.Context, cfg Config) (*Server, error) {
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("app-server sim: listen: %w", err)
	}
	u := "http://" + ln.Addr().String()
	cfg.PublicURL = u
	s := &Server{Sim: New(cfg), URL: u}
	s.srv = &http.Server{Handler: s.Sim, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = s.srv.Serve(ln) }()
	go func() {
		<-ctx.Done()
		s.Close()
	}()
	return s, nil
}

// Close stops serving, then the simulator.
func (s *Server) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = s.srv.Shutdown(ctx)
	s.Sim.Close()
}

package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/convroute"
	"github.com/ohdash/ohdash/backend/openhands"
	"github.com/ohdash/ohdash/cmd/ohdash/internal/guard"
)

// Conversations returns the conversation service over every sandbox,
// guarded like the backends. Its clients find a restarted sandbox's
// agent-server again through the backends built so far (see
// sandboxResolver).
func (a *app) Conversations() guard.Conversations {
	if a.convs == nil {
		// App-server sandboxes list their conversations through the
		// app-server (titles, repositories, metrics); everything else
		// goes to each sandbox's agent-server.
		a.router = convroute.New(convroute.Options{Resolve: a.sandboxResolver()})
		inner := openhands.NewOverlay(a.router, a.backends)
		a.convs = a.guard.Conversations(inner)
	}
	return a.convs
}

// sandboxResolver returns a function that reads a sandbox again (alone
// where its backend can, else by listing the backend) and returns it as it
// is now (a restart publishes new host
// ports), or nil before the backends are built. It captures the backends
// here, on the command's goroutine: streams call it from their own.
func (a *app) sandboxResolver() func(context.Context, backend.Sandbox) (backend.Sandbox, error) {
	if !a.built {
		return nil
	}
	bs := slices.Clone(a.backends)
	return func(ctx context.Context, sb backend.Sandbox) (backend.Sandbox, error) {
		for _, b := range bs {
			if b.Name() != sb.Source {
				continue
			}
			if backend.Supports(b, backend.CapGet) {
				return b.(backend.SandboxGetter).Get(ctx, sb.ID)
			}
			all, err := b.List(ctx)
			if err != nil {
				return backend.Sandbox{}, err
			}
			for _, fresh := range all {
				if fresh.ID == sb.ID {
					return fresh, nil
				}
			}
			return backend.Sandbox{}, fmt.Errorf("sandbox %s: %w", sb.ID, backend.ErrNotFound)
		}
		return backend.Sandbox{}, fmt.Errorf("sandbox %s: backend %q is not configured: %w", sb.ID, sb.Source, backend.ErrNotFound)
	}
}

// convFound is a resolved conversation and where it lives.
type convFound struct {
	sandbox backend.Sandbox
	conv    backend.Conversation
}

// sandboxConversations lists the conversations of the sandboxes named by
// sandboxRef, or of every running sandbox of the selected backends.
// Sandboxes that are not running are skipped when no sandbox is named:
// their agent-servers cannot answer. Failures are returned per sandbox.
func (a *app) sandboxConversations(ctx context.Context, sandboxRef string) ([]backend.SandboxConversations, error) {
	var sbs []backend.Sandbox
	if sandboxRef != "" {
		f, err := a.resolveSandbox(ctx, sandboxRef)
		if err != nil {
			return nil, err
		}
		sbs = []backend.Sandbox{f.sandbox}
	} else {
		bs, err := a.Selected(ctx)
		if err != nil {
			return nil, err
		}
		var failed error
		sbs, failed = collect(listAll(ctx, bs), func(sb backend.Sandbox) bool { return sb.Status == backend.StatusRunning })
		if failed != nil && len(sbs) == 0 {
			return nil, failed
		}
		if failed != nil {
			a.warnf("%v", failed)
		}
	}
	return a.Conversations().AllConversations(ctx, sbs), nil
}

// resolveConversation finds the one conversation name refers to: its id
// (dashed or 32-hex, any case) or a unique prefix of it, in the sandbox
// named by sandboxRef or in any running sandbox.
func (a *app) resolveConversation(ctx context.Context, name, sandboxRef string) (convFound, error) {
	if err := checkConversationRef(name); err != nil {
		return convFound{}, err
	}
	all, err := a.sandboxConversations(ctx, sandboxRef)
	if err != nil {
		return convFound{}, err
	}
	want := strings.ToLower(strings.TrimSpace(name))
	if id, err := backend.ParseConversationID(name); err == nil {
		want = id
	}
	var m matches[convFound]
	for _, sc := range all {
		if sc.Err != nil {
			m.unasked = errors.Join(m.unasked, fmt.Errorf("sandbox %s: %w", sc.Sandbox.ID, sc.Err))
			continue
		}
		for _, c := range sc.Conversations {
			id := strings.ToLower(c.ID)
			switch {
			case id == want:
				m.exact = append(m.exact, convFound{sc.Sandbox, c})
			case strings.HasPrefix(id, want) || strings.HasPrefix(backend.ConversationIDHex(id), want):
				m.partial = append(m.partial, convFound{sc.Sandbox, c})
			}
		}
	}
	return m.one("conversation", name, func(f convFound) string { return f.conv.ID + " in " + f.sandbox.ID }, "give more of the id, or --sandbox")
}

// conversationIDs lists every conversation id, for shell completion.
func (a *app) conversationIDs(ctx context.Context) []string {
	all, err := a.sandboxConversations(ctx, "")
	if err != nil {
		return nil
	}
	var ids []string
	for _, sc := range all {
		for _, c := range sc.Conversations {
			ids = append(ids, c.ID)
		}
	}
	return ids
}

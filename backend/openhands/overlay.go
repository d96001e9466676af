package openhands

import (
	"context"

	"github.com/ohdash/ohdash/backend"
)

// Inner is what the dashboard and the commands do with conversations
// (the same set as the guard's).
type Inner interface {
	backend.ConversationLister
	backend.FleetConversationLister
	backend.ConversationController
	backend.ConversationStopper
	backend.EventStreamer
	backend.EventPager
	backend.EventHistory
}

// Overlay serves conversation listings of app-server sandboxes from their
// app-server (one search for all of them, with titles, repositories and
// metrics) and passes everything else, events and actions included, to
// the inner router, which talks to each sandbox's agent-server. When the
// app-server cannot answer and nothing was listed yet, the listing falls
// back to asking the agent-servers themselves: they may still answer.
type Overlay struct {
	Inner
	sources map[string]*Backend
}

// NewOverlay wraps inner for the app-server backends among bs (seen
// through decorators that have Unwrap). With none, it returns inner.
func NewOverlay(inner Inner, bs []backend.Backend) Inner {
	o := &Overlay{Inner: inner, sources: map[string]*Backend{}}
	for _, b := range bs {
		for b != nil {
			if ob, ok := b.(*Backend); ok {
				o.sources[ob.Name()] = ob
				break
			}
			u, ok := b.(interface{ Unwrap() backend.Backend })
			if !ok {
				break
			}
			b = u.Unwrap()
		}
	}
	if len(o.sources) == 0 {
		return inner
	}
	return o
}

// AllConversations lists app-server sandboxes through their app-server
// and every other sandbox through the inner router, keeping sbs' order.
func (o *Overlay) AllConversations(ctx context.Context, sbs []backend.Sandbox) []backend.SandboxConversations {
	out := make([]backend.SandboxConversations, len(sbs))
	var rest []backend.Sandbox
	var restAt []int
	bySource := map[string][]int{}
	for i, sb := range sbs {
		if _, ok := o.sources[sb.Source]; ok {
			bySource[sb.Source] = append(bySource[sb.Source], i)
			continue
		}
		rest, restAt = append(rest, sb), append(restAt, i)
	}
	for name, idx := range bySource {
		convs, err := o.sources[name].AppConversations(ctx)
		if convs == nil && err != nil {
			// Nothing known from the app-server: ask the agent-servers.
			for _, i := range idx {
				rest, restAt = append(rest, sbs[i]), append(restAt, i)
			}
			continue
		}
		bySandbox := map[string][]backend.Conversation{}
		for _, c := range convs {
			bySandbox[c.SandboxID] = append(bySandbox[c.SandboxID], c)
		}
		for _, i := range idx {
			out[i] = backend.SandboxConversations{Sandbox: sbs[i], Conversations: bySandbox[sbs[i].ID]}
		}
	}
	if len(rest) > 0 {
		for j, sc := range o.Inner.AllConversations(ctx, rest) {
			out[restAt[j]] = sc
		}
	}
	return out
}

// Conversations lists one sandbox's conversations.
func (o *Overlay) Conversations(ctx context.Context, sb backend.Sandbox) ([]backend.Conversation, error) {
	if _, ok := o.sources[sb.Source]; !ok {
		return o.Inner.Conversations(ctx, sb)
	}
	sc := o.AllConversations(ctx, []backend.Sandbox{sb})[0]
	return sc.Conversations, sc.Err
}

// Conversation reads one conversation: from the app-server's listing when
// it is there, else from the agent-server.
func (o *Overlay) Conversation(ctx context.Context, sb backend.Sandbox, id string) (backend.Conversation, error) {
	if src, ok := o.sources[sb.Source]; ok {
		want, err := backend.ParseConversationID(id)
		if err != nil {
			return backend.Conversation{}, err
		}
		convs, _ := src.AppConversations(ctx)
		for _, c := range convs {
			if c.ID == want && c.SandboxID == sb.ID {
				return c, nil
			}
		}
	}
	return o.Inner.Conversation(ctx, sb, id)
}

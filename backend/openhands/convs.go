package openhands

import (
	"cmp"
	"context"
	"fmt"
	"net/url"
	"slices"
	"sync"
	"time"

	"github.com/ohdash/ohdash/backend"
)

// convCache holds the app conversations seen so far and the newest
// updated_at among them, from which the next refresh asks only for what
// changed.
type convCache struct {
	mu     sync.Mutex // held for a whole refresh: one at a time
	byID   map[string]backend.Conversation
	since  time.Time // newest updated_at seen
	count  int       // refreshes since the last full one
	loaded bool
}

// overlap is how far before the newest updated_at seen an incremental
// search starts: a conversation updated in the same instant as the last
// one seen, but saved after the search ran, is still found.
const overlap = time.Second

// AppConversations refreshes the conversation list and returns every
// conversation, sub-conversations included, oldest first. The first call
// and every FullEvery-th list everything; the others ask only for
// conversations updated since the newest one seen (updated_at__gte), one
// request when nothing changed. On failure it returns what it had (nil
// before the first success) with the error.
func (b *Backend) AppConversations(ctx context.Context) ([]backend.Conversation, error) {
	cc := &b.convs
	cc.mu.Lock()
	defer cc.mu.Unlock()
	full := !cc.loaded || cc.count >= b.opts.FullEvery-1
	q := url.Values{"limit": {"100"}, "include_sub_conversations": {"true"}, "sort_order": {"CREATED_AT"}}
	if !full {
		q.Set("updated_at__gte", cc.since.Add(-overlap).UTC().Format(time.RFC3339Nano))
	}
	got, err := b.searchConvs(ctx, q)
	if err != nil {
		return b.renderConvsLocked(), fmt.Errorf("%s: %w", b.opts.Name, err)
	}
	if full {
		cc.byID, cc.count, cc.loaded = map[string]backend.Conversation{}, 0, true
	} else {
		cc.count++
	}
	for _, c := range got {
		cc.byID[c.ID] = c
		if c.UpdatedAt.After(cc.since) {
			cc.since = c.UpdatedAt
		}
	}
	return b.renderConvsLocked(), nil
}

// searchConvs reads every page of GET /app-conversations/search.
func (b *Backend) searchConvs(ctx context.Context, q url.Values) ([]backend.Conversation, error) {
	var out []backend.Conversation
	pageID := ""
	for range maxPages {
		if pageID != "" {
			q.Set("page_id", pageID)
		}
		var p convPage
		if err := b.api.do(ctx, call{method: "GET", path: "/app-conversations/search", query: q, idempotent: true}, &p); err != nil {
			return nil, err
		}
		for _, ac := range p.Items {
			if c, ok := b.toConversation(ac); ok {
				out = append(out, c)
			}
		}
		if p.NextPageID == nil || *p.NextPageID == "" || *p.NextPageID == pageID {
			return out, nil
		}
		pageID = *p.NextPageID
	}
	return nil, fmt.Errorf("app-server GET /app-conversations/search: more than %d pages: %w", maxPages, ErrMalformed)
}

// renderConvsLocked lists the cache oldest first, with sub-conversations
// linked to their parents (the search route leaves
// sub_conversation_ids empty) and the sandbox status of the last sandbox
// listing, which is newer than the conversation's record when the sandbox
// was paused since.
func (b *Backend) renderConvsLocked() []backend.Conversation {
	cc := &b.convs
	if !cc.loaded {
		return nil
	}
	b.mu.Lock()
	status := make(map[string]backend.Status, len(b.sandboxes))
	for _, sb := range b.sandboxes {
		status[sb.ID] = sb.Status
	}
	listed := b.listed
	b.mu.Unlock()
	children := map[string][]string{}
	for _, c := range cc.byID {
		if c.ParentID != "" {
			children[c.ParentID] = append(children[c.ParentID], c.ID)
		}
	}
	out := make([]backend.Conversation, 0, len(cc.byID))
	for _, c := range cc.byID {
		if kids := children[c.ID]; len(kids) > 0 {
			subs := slices.Clone(c.SubConversationIDs)
			for _, k := range kids {
				if !slices.Contains(subs, k) {
					subs = append(subs, k)
				}
			}
			slices.Sort(subs)
			c.SubConversationIDs = subs
		}
		if st, ok := status[c.SandboxID]; listed && ok && st != backend.StatusRunning && c.Status != "" {
			c.Status, c.RawStatus = "", "sandbox "+string(st)
		}
		out = append(out, c)
	}
	slices.SortFunc(out, func(x, y backend.Conversation) int {
		return cmp.Or(x.CreatedAt.Compare(y.CreatedAt), cmp.Compare(x.ID, y.ID))
	})
	return out
}

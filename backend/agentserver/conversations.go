package agentserver

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/ohdash/ohdash/backend"
)

// maxLimit is the largest page the search routes accept: the server asserts
// limit <= 100 and answers 500 beyond it (PROTOCOL.md §1.3).
const maxLimit = 100

// maxPages stops a paging loop that would never end (a server that keeps
// restarting from the first page).
const maxPages = 10000

// SearchQuery filters and pages a conversation search.
type SearchQuery struct {
	// Status keeps conversations in that execution status only.
	Status backend.ExecutionStatus
	// PageID continues from a previous page's Next.
	PageID string
	// Limit is the page size, capped at 100 (default 100).
	Limit int
}

// ConversationPage is one page of a conversation search.
type ConversationPage struct {
	Conversations []backend.Conversation
	// Next continues the search ("" on the last page).
	Next string
}

func clampLimit(n int) int {
	if n <= 0 || n > maxLimit {
		return maxLimit
	}
	return n
}

// SearchConversations returns one page, most recently updated first.
func (c *Client) SearchConversations(ctx context.Context, q SearchQuery) (ConversationPage, error) {
	v := url.Values{"limit": {strconv.Itoa(clampLimit(q.Limit))}, "sort_order": {"UPDATED_AT_DESC"}}
	if q.Status != "" {
		v.Set("status", string(q.Status))
	}
	if q.PageID != "" {
		v.Set("page_id", q.PageID)
	}
	var page struct {
		Items      []conversationInfo `json:"items"`
		NextPageID *string            `json:"next_page_id"`
	}
	k := call{Op: "search conversations", Method: http.MethodGet, Path: "/api/conversations/search", Query: v}
	if err := c.do(ctx, k, &page); err != nil {
		return ConversationPage{}, err
	}
	out := ConversationPage{Conversations: make([]backend.Conversation, 0, len(page.Items))}
	for _, ci := range page.Items {
		conv, err := ci.toConversation()
		if err != nil {
			return ConversationPage{}, fmt.Errorf("search conversations: %w", err)
		}
		out.Conversations = append(out.Conversations, conv)
	}
	if page.NextPageID != nil {
		out.Next = *page.NextPageID
	}
	return out, nil
}

// Conversations returns every conversation, across pages. The server
// restarts from the first page when a page id has gone (a conversation
// deleted meanwhile), so conversations are de-duplicated by id and the
// loop ends when a page brings nothing new.
func (c *Client) Conversations(ctx context.Context) ([]backend.Conversation, error) {
	var all []backend.Conversation
	seen := map[string]bool{}
	q := SearchQuery{}
	for range maxPages {
		page, err := c.SearchConversations(ctx, q)
		if err != nil {
			return nil, err
		}
		fresh := 0
		for _, conv := range page.Conversations {
			if !seen[conv.ID] {
				seen[conv.ID] = true
				all = append(all, conv)
				fresh++
			}
		}
		if page.Next == "" || fresh == 0 {
			return all, nil
		}
		q.PageID = page.Next
	}
	return all, fmt.Errorf("search conversations: more than %d pages: %w", maxPages, ErrBadResponse)
}

// CountConversations counts conversations, optionally in one status.
func (c *Client) CountConversations(ctx context.Context, status backend.ExecutionStatus) (int, error) {
	v := url.Values{}
	if status != "" {
		v.Set("status", string(status))
	}
	var n int
	err := c.do(ctx, call{Op: "count conversations", Method: http.MethodGet, Path: "/api/conversations/count", Query: v}, &n)
	return n, err
}

// Conversation returns one conversation; ErrNotFound if unknown.
func (c *Client) Conversation(ctx context.Context, id string) (backend.Conversation, error) {
	id, err := backend.ParseConversationID(id)
	if err != nil {
		return backend.Conversation{}, err
	}
	var ci conversationInfo
	if err := c.do(ctx, call{Op: "get conversation", Method: http.MethodGet, Path: convPath(id)}, &ci); err != nil {
		return backend.Conversation{}, err
	}
	return ci.toConversation()
}

// ConversationsByID fetches several conversations at once (in batches of
// fewer than 100 ids); unknown ids are left out of the result.
func (c *Client) ConversationsByID(ctx context.Context, ids []string) ([]backend.Conversation, error) {
	var out []backend.Conversation
	for start := 0; start < len(ids); start += maxLimit - 1 {
		batch := ids[start:min(start+maxLimit-1, len(ids))]
		v := url.Values{}
		for _, id := range batch {
			canon, err := backend.ParseConversationID(id)
			if err != nil {
				return nil, err
			}
			v.Add("ids", canon)
		}
		var items []*conversationInfo
		if err := c.do(ctx, call{Op: "get conversations", Method: http.MethodGet, Path: "/api/conversations", Query: v}, &items); err != nil {
			return nil, err
		}
		for _, ci := range items {
			if ci == nil {
				continue
			}
			conv, err := ci.toConversation()
			if err != nil {
				return nil, fmt.Errorf("get conversations: %w", err)
			}
			out = append(out, conv)
		}
	}
	return out, nil
}

// action posts to a conversation's action route (pause, run, interrupt).
func (c *Client) action(ctx context.Context, id, name string, badRequestIsNotFound bool) error {
	id, err := backend.ParseConversationID(id)
	if err != nil {
		return err
	}
	return c.do(ctx, call{
		Op: name + " conversation", Method: http.MethodPost, Path: convPath(id) + "/" + name,
		BadRequestIsNotFound: badRequestIsNotFound,
	}, nil)
}

// Pause asks the agent to stop after its current step. Unknown
// conversations answer 400, reported as ErrNotFound.
func (c *Client) Pause(ctx context.Context, id string) error {
	return c.action(ctx, id, "pause", true)
}

// Run starts or resumes the agent; backend.ErrConflict if it is already
// running.
func (c *Client) Run(ctx context.Context, id string) error {
	return c.action(ctx, id, "run", false)
}

// Interrupt cancels the in-flight LLM call at once. Servers before 1.23
// have no interrupt route: then the conversation is paused instead and the
// outcome says so.
func (c *Client) Interrupt(ctx context.Context, id string) (backend.InterruptOutcome, error) {
	if v, ok := c.KnownVersion(); ok && !v.HasInterrupt() {
		return backend.PausedInstead, c.Pause(ctx, id)
	}
	err := c.action(ctx, id, "interrupt", true)
	var ae *APIError
	if errors.As(err, &ae) && (ae.Status == http.StatusNotFound || ae.Status == http.StatusMethodNotAllowed) {
		// 404 is ambiguous: no such route, or no such conversation. Pause
		// tells them apart (it answers 400 for an unknown conversation).
		return backend.PausedInstead, c.Pause(ctx, id)
	}
	return backend.Interrupted, err
}

// Delete removes the conversation (not its workspace). Unknown
// conversations answer 400, reported as ErrNotFound.
func (c *Client) Delete(ctx context.Context, id string) error {
	id, err := backend.ParseConversationID(id)
	if err != nil {
		return err
	}
	return c.do(ctx, call{Op: "delete conversation", Method: http.MethodDelete, Path: convPath(id), BadRequestIsNotFound: true}, nil)
}

// textContent is one text item of an LLM message.
type textContent struct {
	Type string `json:"type"`
	Text string `json:"text"`
}

// SendMessage posts a user message and starts the agent if it is idle.
func (c *Client) SendMessage(ctx context.Context, id, text string) error {
	id, err := backend.ParseConversationID(id)
	if err != nil {
		return err
	}
	body := struct {
		Role    string        `json:"role"`
		Content []textContent `json:"content"`
		Run     bool          `json:"run"`
	}{"user", []textContent{{Type: "text", Text: text}}, true}
	return c.do(ctx, call{Op: "send message", Method: http.MethodPost, Path: convPath(id) + "/events", Body: body}, nil)
}

// RespondToConfirmation accepts (and resumes) or rejects the actions a
// conversation is waiting on.
func (c *Client) RespondToConfirmation(ctx context.Context, id string, accept bool, reason string) error {
	id, err := backend.ParseConversationID(id)
	if err != nil {
		return err
	}
	body := struct {
		Accept bool   `json:"accept"`
		Reason string `json:"reason,omitempty"`
	}{accept, reason}
	if !accept && body.Reason == "" {
		body.Reason = "User rejected the action."
	}
	return c.do(ctx, call{
		Op: "respond to confirmation", Method: http.MethodPost,
		Path: convPath(id) + "/events/respond_to_confirmation", Body: body,
	}, nil)
}

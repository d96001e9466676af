package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/ui/format"
)

// conversationJSON is one object of `ohdash convs --json`, with the
// agent-server's field names where it has them. Fields are only ever
// added.
type conversationJSON struct {
	ID              string                  `json:"id"`
	SandboxID       string                  `json:"sandbox_id"`
	Title           string                  `json:"title"`
	ExecutionStatus backend.ExecutionStatus `json:"execution_status"`
	Model           string                  `json:"model"`
	// Cost is the accumulated LLM cost in USD.
	Cost      float64    `json:"cost"`
	Tokens    tokensJSON `json:"tokens"`
	CreatedAt *string    `json:"created_at"`
	UpdatedAt *string    `json:"updated_at"`
	Backend   string     `json:"backend"`
	// RawStatus is the server's own word when it is not an execution
	// status (V0 "STOPPED").
	RawStatus          string `json:"raw_status,omitempty"`
	AgentKind          string `json:"agent_kind,omitempty"`
	ConfirmationPolicy string `json:"confirmation_policy,omitempty"`
	ParentID           string `json:"parent_conversation_id,omitempty"`
}

// tokensJSON counts LLM tokens; total is prompt plus completion.
type tokensJSON struct {
	Prompt     int64 `json:"prompt"`
	Completion int64 `json:"completion"`
	CacheRead  int64 `json:"cache_read"`
	CacheWrite int64 `json:"cache_write"`
	Reasoning  int64 `json:"reasoning"`
	Total      int64 `json:"total"`
}

func toConversationJSON(c backend.Conversation) conversationJSON {
	return conversationJSON{
		ID: c.ID, SandboxID: c.SandboxID, Title: backend.MaskText(c.Title), ExecutionStatus: c.Status, Model: backend.MaskText(c.Model), Cost: c.Cost,
		Tokens: tokensJSON{
			Prompt: c.Tokens.Prompt, Completion: c.Tokens.Completion, CacheRead: c.Tokens.CacheRead,
			CacheWrite: c.Tokens.CacheWrite, Reasoning: c.Tokens.Reasoning, Total: c.Tokens.Total(),
		},
		CreatedAt: timeJSON(c.CreatedAt), UpdatedAt: timeJSON(c.UpdatedAt), Backend: c.Source,
		RawStatus: c.RawStatus, AgentKind: c.AgentKind, ConfirmationPolicy: c.ConfirmationPolicy, ParentID: c.ParentID,
	}
}

func setupConvs(fs *flag.FlagSet) runner {
	out := listFlags(fs)
	return func(ctx context.Context, a *app, args []string) error {
		ref := ""
		if len(args) == 1 {
			ref = args[0]
		}
		all, err := a.sandboxConversations(ctx, ref)
		if err != nil {
			return err
		}
		var list []backend.Conversation
		var failed error
		for _, sc := range all {
			if sc.Err != nil {
				err := fmt.Errorf("sandbox %s: %w", sc.Sandbox.ID, sc.Err)
				a.warnf("%v", err)
				failed = errors.Join(failed, err)
				continue
			}
			list = append(list, sc.Conversations...)
		}
		err = out.print(a, len(list), func(i int) any { return toConversationJSON(list[i]) },
			func(i int) string { return backend.SafeText(list[i].ID) }, func() { writeConversationTable(a, list, failed == nil) })
		if err != nil {
			return err
		}
		// Each sandbox's failure was printed above.
		return reported(failed)
	}
}

func writeConversationTable(a *app, list []backend.Conversation, complete bool) {
	if len(list) == 0 {
		if complete {
			fmt.Fprintln(a.io.err, "no conversations")
		}
		return
	}
	now := time.Now()
	tw := tabwriter.NewWriter(a.io.out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSANDBOX\tSTATUS\tUPDATED\tCOST\tTOKENS\tTITLE")
	for _, c := range list {
		// Ids, status and title came from an agent-server: sanitised and
		// masked like every outside string.
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", backend.SafeText(c.ID), backend.SafeText(c.SandboxID),
			backend.SafeText(string(c.Status)), format.Age(now, c.UpdatedAt),
			format.Cost(c.Cost), format.Count(c.Tokens.Total()), oneLine(backend.SafeText(c.Title), 60))
	}
	_ = tw.Flush()
}

// oneLine cuts s to n runes on one line (s is sanitised already).
func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

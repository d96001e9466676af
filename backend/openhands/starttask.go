package openhands

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// ErrStartFailed marks a start task that ended in ERROR.
var ErrStartFailed = errors.New("conversation did not start")

// NewConversation asks for an app conversation (AppConversationStartRequest).
type NewConversation struct {
	Text, Repository, Branch, Model, SandboxID, Title string
}

// StartTask is the progress of a conversation being started.
type StartTask struct {
	ID, Status, Detail string
	// ConversationID (canonical) and SandboxID are set once READY.
	ConversationID, SandboxID string
}

// Done reports whether the task has finished, well or not.
func (t StartTask) Done() bool { return t.Status == "READY" || t.Status == "ERROR" }

type startTaskWire struct {
	ID                string  `json:"id"`
	Status            string  `json:"status"`
	Detail            *string `json:"detail"`
	AppConversationID *string `json:"app_conversation_id"`
	SandboxID         *string `json:"sandbox_id"`
}

func (w startTaskWire) task() StartTask {
	t := StartTask{ID: clientkit.SanitizeLine(w.ID, 40), Status: clientkit.SanitizeLine(w.Status, 40), Detail: backend.MaskText(clientkit.SanitizeLine(str(w.Detail), 300))}
	if id, err := backend.ParseConversationID(str(w.AppConversationID)); err == nil {
		t.ConversationID = id
	}
	if checkID(str(w.SandboxID)) == nil {
		t.SandboxID = str(w.SandboxID)
	}
	return t
}

// StartConversation posts POST /app-conversations and returns its start
// task (status WORKING). It is not retried after an ambiguous failure: a
// second post would start a second conversation.
func (b *Backend) StartConversation(ctx context.Context, req NewConversation) (StartTask, error) {
	body := map[string]any{}
	if req.Text != "" {
		body["initial_message"] = map[string]any{"role": "user", "content": []any{map[string]any{"type": "text", "text": req.Text}}, "run": true}
	}
	for k, v := range map[string]string{"selected_repository": req.Repository, "selected_branch": req.Branch, "llm_model": req.Model, "sandbox_id": req.SandboxID, "title": req.Title} {
		if v != "" {
			body[k] = v
		}
	}
	if req.SandboxID != "" {
		if err := checkID(req.SandboxID); err != nil {
			return StartTask{}, err
		}
	}
	var w startTaskWire
	if err := b.api.do(ctx, call{method: "POST", path: "/app-conversations", body: body}, &w); err != nil {
		return StartTask{}, fmt.Errorf("%s: start conversation: %w", b.opts.Name, err)
	}
	if _, err := backend.ParseConversationID(w.ID); err != nil {
		return StartTask{}, fmt.Errorf("%s: start task id: %w", b.opts.Name, err)
	}
	b.poke()
	return w.task(), nil
}

// FollowStart polls a start task every poll until READY or ERROR, calling
// progress on every change of status. ERROR returns the task and an error
// wrapping ErrStartFailed with the app-server's detail.
func (b *Backend) FollowStart(ctx context.Context, taskID string, poll time.Duration, progress func(StartTask)) (StartTask, error) {
	if _, err := backend.ParseConversationID(taskID); err != nil {
		return StartTask{}, err
	}
	last := ""
	for {
		var ws []*startTaskWire
		err := b.api.do(ctx, call{method: "GET", path: "/app-conversations/start-tasks", query: url.Values{"ids": {taskID}}, idempotent: true}, &ws)
		if err != nil {
			return StartTask{}, fmt.Errorf("%s: start task %s: %w", b.opts.Name, taskID, err)
		}
		if len(ws) != 1 || ws[0] == nil {
			return StartTask{}, fmt.Errorf("%s: start task %s: %w", b.opts.Name, taskID, backend.ErrNotFound)
		}
		t := ws[0].task()
		if t.Status != last && progress != nil {
			progress(t)
		}
		last = t.Status
		switch t.Status {
		case "READY":
			b.poke()
			return t, nil
		case "ERROR":
			return t, fmt.Errorf("%s: %w: %s", b.opts.Name, ErrStartFailed, t.Detail)
		}
		if !clientkit.Sleep(ctx, poll) {
			return t, ctx.Err()
		}
	}
}

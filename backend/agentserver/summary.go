package agentserver

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/ohdash/ohdash/backend"
)

// Wire kinds (the class names the server puts in "kind").
const (
	kindMessage             = "MessageEvent"
	kindAction              = "ActionEvent"
	kindObservation         = "ObservationEvent"
	kindReject              = "UserRejectObservation"
	kindAgentError          = "AgentErrorEvent"
	kindConvError           = "ConversationErrorEvent"
	kindState               = "ConversationStateUpdateEvent"
	kindPause               = "PauseEvent"
	kindInterrupt           = "InterruptEvent"
	kindSystemPrompt        = "SystemPromptEvent"
	kindCondensation        = "Condensation"
	kindCondensationRequest = "CondensationRequest"
	kindCondensationSummary = "CondensationSummaryEvent"
	kindHook                = "HookExecutionEvent"
	kindLLMLog              = "LLMCompletionLogEvent"
	kindStreamingDelta      = "StreamingDeltaEvent"
	kindToken               = "TokenEvent"
	kindACPToolCall         = "ACPToolCallEvent"
	kindServerError         = "ServerErrorEvent"
)

// maxSummary caps a summary line; the UI cuts it to the window width.
const maxSummary = 300

// piece is a sanitised fragment of a summary.
func piece(s string) string { return sanitizeLine(s, maxSummary) }

// summarize fills the summary, flags and stream state of d from w
// (PROTOCOL.md §3.2). Every fragment of server text is sanitised.
func summarize(w *wireEvent, d *decoded) {
	ev := &d.ev
	tool := piece(w.ToolName)
	switch w.Kind {
	case kindMessage:
		ev.Summary = messageSummary(w)
	case kindAction:
		ev.Summary = actionSummary(w, tool)
	case kindObservation:
		ev.Summary, ev.Failed = observationSummary(w.Observation, tool)
	case kindReject:
		ev.Summary = "✗ rejected " + tool + ": " + piece(w.RejectionReason)
	case kindAgentError:
		ev.Summary, ev.Failed = "! "+tool+": "+piece(w.Error), true
	case kindConvError:
		ev.Summary, ev.Failed = "‼ "+piece(w.Code)+": "+piece(detailText(w.Detail)), true
	case kindServerError:
		ev.Summary, ev.Failed, ev.Transient = "server error "+piece(w.Code)+": "+piece(detailText(w.Detail)), true, true
	case kindState:
		stateSummary(w, d)
	case kindPause:
		ev.Summary = "⏸ paused by user"
	case kindInterrupt:
		ev.Summary = "⏹ interrupted"
	case kindSystemPrompt:
		ev.Summary, ev.Quiet = fmt.Sprintf("system prompt (%d tools)", w.Tools), true
	case kindCondensation:
		ev.Summary = fmt.Sprintf("history condensed (%d events dropped)", w.ForgottenEventIDs)
	case kindCondensationRequest:
		ev.Summary = "condensation requested"
	case kindCondensationSummary:
		ev.Summary = "summary: " + piece(w.Summary)
	case kindHook:
		ev.Summary, ev.Failed = hookSummary(w)
	case kindLLMLog:
		ev.Summary, ev.Quiet = "LLM completion log "+piece(w.ModelName), true
	case kindToken:
		ev.Summary, ev.Quiet = fmt.Sprintf("tokens: %d prompt, %d response", w.PromptTokenIDs, w.ResponseTokenIDs), true
	case kindACPToolCall:
		ev.Summary, ev.Failed = "→ "+piece(w.Title)+" ["+piece(w.Status)+"]", w.IsError
	case kindStreamingDelta:
		ev.Transient, ev.Quiet = true, true
		var s string
		if json.Unmarshal(w.Content, &s) == nil {
			d.delta = s
		}
		ev.Summary = "typing…"
	}
	if ev.Summary == "" {
		ev.Summary = ev.Kind + " (" + ev.Source + ")"
	}
	ev.Summary = strings.Clone(truncate(strings.TrimSpace(ev.Summary), maxSummary))
}

// messageSummary: "user> first line", "agent> first line", images counted.
func messageSummary(w *wireEvent) string {
	role := w.Source
	if role == "" && w.LLMMessage != nil {
		role = w.LLMMessage.Role
	}
	text, images := "", 0
	if w.LLMMessage != nil {
		text, images = contentText(w.LLMMessage.Content)
	}
	s := piece(role) + "> " + text
	if images > 0 {
		s += fmt.Sprintf(" [image×%d]", images)
	}
	return s
}

// contentText returns the first non-blank line of a content list (or of a
// bare string) and the number of image items.
func contentText(raw json.RawMessage) (string, int) {
	var items []struct {
		Type      string            `json:"type"`
		Text      string            `json:"text"`
		ImageURLs []json.RawMessage `json:"image_urls"`
	}
	if json.Unmarshal(raw, &items) != nil {
		var s string
		_ = json.Unmarshal(raw, &s)
		return piece(s), 0
	}
	text, images := "", 0
	for _, it := range items {
		if it.Type == "image" {
			images += max(1, len(it.ImageURLs))
			continue
		}
		if text == "" {
			text = piece(it.Text)
		}
	}
	return text, images
}

// actionSummary: "→ terminal: $ make test", "→ file_editor: edit a.go",
// with the LLM's own summary when the action says nothing concrete.
func actionSummary(w *wireEvent, tool string) string {
	detail := ""
	if a := w.Action; a != nil {
		switch a.Kind {
		case "TerminalAction", "ExecuteBashAction", "BashAction":
			detail = "$ " + piece(a.Command)
		case "FileEditorAction", "StrReplaceEditorAction":
			verb := "edit"
			if a.Command == "view" || a.Command == "create" {
				verb = a.Command
			}
			detail = verb + " " + piece(a.Path)
		case "FinishAction":
			detail = "finish: " + piece(a.Message)
		case "ThinkAction":
			detail = "think: " + piece(a.Thought)
		}
	}
	if detail == "" {
		detail = piece(w.Summary)
	}
	s := "→ " + tool
	if detail != "" {
		s += ": " + detail
	}
	if r := piece(w.SecurityRisk); r != "" && r != "UNKNOWN" {
		s += "  [risk " + r + "]"
	}
	return s
}

// observationSummary: "← terminal [exit 1]: first line of output".
func observationSummary(o *wireObservation, tool string) (string, bool) {
	if o == nil {
		return "← " + tool, false
	}
	text, _ := contentText(o.Content)
	tag, failed := "", o.IsError
	exit := o.ExitCode
	if exit == nil && o.Metadata != nil && o.Metadata.ExitCode != nil && *o.Metadata.ExitCode != -1 {
		exit = o.Metadata.ExitCode
	}
	switch {
	case exit != nil:
		tag = fmt.Sprintf(" [exit %d]", *exit)
		failed = failed || *exit != 0
	case o.Timeout:
		tag, failed = " [timeout]", true
	case o.IsError:
		tag = " [error]"
	}
	s := "← " + tool + tag
	if text != "" {
		s += ": " + text
	}
	return s, failed
}

// hookSummary: "hook PreToolUse BLOCKED: reason".
func hookSummary(w *wireEvent) (string, bool) {
	outcome, failed := "ok", false
	switch {
	case w.Blocked:
		outcome, failed = "BLOCKED", true
	case w.Success != nil && !*w.Success:
		outcome, failed = "failed", true
	}
	s := "hook " + piece(w.HookEventType) + " " + outcome
	if r := piece(w.Reason); r != "" {
		s += ": " + r
	}
	return s, failed
}

// detailText reads a "detail" that is a string or any other JSON value.
func detailText(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// stateSummary handles ConversationStateUpdateEvent: the status and usage
// it carries go to the stream's state; the line itself is quiet.
func stateSummary(w *wireEvent, d *decoded) {
	ev := &d.ev
	ev.Quiet = true
	d.key = piece(w.Key)
	switch w.Key {
	case "execution_status":
		var s string
		_ = json.Unmarshal(w.Value, &s)
		d.status = backend.ExecutionStatus(piece(s))
		ev.Summary = "status: " + string(d.status)
		ev.Failed = d.status == backend.ExecError || d.status == backend.ExecStuck
	case "stats":
		if u, ok := decodeStats(w.Value); ok {
			d.stats = &u
			ev.Summary = fmt.Sprintf("cost $%.4f · %d/%d tok", u.cost, u.tokens.Prompt, u.tokens.Completion)
		}
	case "full_state":
		var st struct {
			ExecutionStatus string          `json:"execution_status"`
			Stats           json.RawMessage `json:"stats"`
		}
		_ = json.Unmarshal(w.Value, &st)
		d.status = backend.ExecutionStatus(piece(st.ExecutionStatus))
		if u, ok := decodeStats(st.Stats); ok {
			d.stats = &u
		}
		ev.Summary = "state snapshot"
	}
	if ev.Summary == "" {
		ev.Summary = "state." + d.key + " changed"
	}
}

// decodeStats reads ConversationStats ({"usage_to_metrics": {...}}).
func decodeStats(raw json.RawMessage) (usageTotals, bool) {
	var st struct {
		UsageToMetrics map[string]metrics `json:"usage_to_metrics"`
	}
	if len(raw) == 0 || json.Unmarshal(raw, &st) != nil || st.UsageToMetrics == nil {
		return usageTotals{}, false
	}
	cost, tok := sumMetrics(st.UsageToMetrics)
	return usageTotals{cost: cost, tokens: tok}, true
}

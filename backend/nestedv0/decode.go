package nestedv0

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/ohdash/ohdash/backend"
	"github.com/ohdash/ohdash/backend/internal/clientkit"
)

// v0Event is a dict written by event_to_dict: an integer id, timestamp,
// source, message, optional cause, and either action + args or
// observation + content + extras. Which key is present is the kind.
type v0Event struct {
	ID          *int64 `json:"id"`
	Timestamp   string `json:"timestamp"`
	Source      string `json:"source"`
	Message     string `json:"message"`
	Action      string `json:"action"`
	Args        v0Args `json:"args"`
	Observation string `json:"observation"`
	Content     string `json:"content"`
	Extras      struct {
		AgentState string `json:"agent_state"`
		Command    string `json:"command"`
		Path       string `json:"path"`
		ExitCode   *int   `json:"exit_code"`
		Metadata   *struct {
			ExitCode *int `json:"exit_code"`
		} `json:"metadata"`
	} `json:"extras"`
	Success *bool `json:"success"`
}

type v0Args struct {
	Content        string            `json:"content"`
	ImageURLs      []json.RawMessage `json:"image_urls"`
	Command        string            `json:"command"`
	Code           string            `json:"code"`
	Path           string            `json:"path"`
	URL            string            `json:"url"`
	BrowserActions string            `json:"browser_actions"`
	Thought        string            `json:"thought"`
	FinalThought   string            `json:"final_thought"`
	AgentState     string            `json:"agent_state"`
	Agent          string            `json:"agent"`
	Name           string            `json:"name"`
}

const maxSummary = 300

func piece(s string) string { return clientkit.SanitizeLine(s, maxSummary) }

// decodeEvent turns a V0 event dict into a transcript entry; see the
// agent-server decoder for the rules (unknown actions are kept).
func decodeEvent(raw []byte, rawCap int) (decoded, error) {
	var w v0Event
	if err := json.Unmarshal(raw, &w); err != nil {
		var te *json.UnmarshalTypeError
		if !errors.As(err, &te) {
			return decoded{}, fmt.Errorf("%w: %s", errMalformed, clientkit.SanitizeLine(err.Error(), 120))
		}
	}
	if w.ID == nil || *w.ID < 0 || !clientkit.ValidToken(w.Timestamp) {
		return decoded{}, fmt.Errorf("%w: no id or timestamp", errMalformed)
	}
	d := decoded{id: *w.ID, ev: backend.Event{
		ID:        strconv.FormatInt(*w.ID, 10),
		Timestamp: w.Timestamp,
		Time:      clientkit.ParseTime(w.Timestamp),
		Source:    clientkit.Intern(w.Source),
		RawSize:   len(raw),
	}}
	if len(raw) <= rawCap {
		d.ev.Raw = append(json.RawMessage(nil), raw...)
	}
	switch {
	case w.Action != "":
		d.ev.Kind = clientkit.Intern("action:" + w.Action)
		actionSummary(&w, &d)
	case w.Observation != "":
		d.ev.Kind = clientkit.Intern("observation:" + w.Observation)
		observationSummary(&w, &d)
	default:
		d.ev.Kind = "event"
	}
	if d.ev.Summary == "" {
		d.ev.Summary = d.ev.Kind + " (" + d.ev.Source + ")"
	}
	d.ev.Summary = strings.Clone(clientkit.Truncate(strings.TrimSpace(d.ev.Summary), maxSummary))
	return d, nil
}

func actionSummary(w *v0Event, d *decoded) {
	a, ev := w.Args, &d.ev
	arrow := func(tool, detail string) { ev.Summary = "→ " + tool + ": " + detail }
	switch w.Action {
	case "message":
		ev.Summary = piece(w.Source) + "> " + piece(a.Content)
		if n := len(a.ImageURLs); n > 0 {
			ev.Summary += fmt.Sprintf(" [image×%d]", n)
		}
	case "run":
		arrow("run", "$ "+piece(a.Command))
	case "run_ipython":
		arrow("ipython", piece(a.Code))
	case "read":
		arrow("read", piece(a.Path))
	case "write":
		arrow("write", piece(a.Path))
	case "edit":
		arrow("edit", "edit "+piece(a.Path))
	case "browse":
		arrow("browse", piece(a.URL))
	case "browse_interactive":
		arrow("browse", piece(a.BrowserActions))
	case "finish":
		text := a.FinalThought
		if strings.TrimSpace(text) == "" {
			text = w.Message
		}
		arrow("finish", piece(text))
	case "think":
		arrow("think", piece(a.Thought))
	case "delegate":
		arrow("delegate", piece(a.Agent))
	case "call_tool_mcp", "mcp":
		arrow("mcp", piece(a.Name))
	case "change_agent_state":
		ev.Summary, ev.Quiet = "agent state → "+piece(a.AgentState), true
	case "recall", "system", "null", "condensation", "condensation_request":
		ev.Summary, ev.Quiet = piece(w.Action), true
	default:
		arrow(piece(w.Action), piece(w.Message))
	}
}

func observationSummary(w *v0Event, d *decoded) {
	ev := &d.ev
	switch w.Observation {
	case "run", "run_ipython":
		exit := w.Extras.ExitCode
		if exit == nil && w.Extras.Metadata != nil && w.Extras.Metadata.ExitCode != nil && *w.Extras.Metadata.ExitCode != -1 {
			exit = w.Extras.Metadata.ExitCode
		}
		ev.Summary = "← " + piece(w.Observation)
		if exit != nil {
			ev.Summary += fmt.Sprintf(" [exit %d]", *exit)
			ev.Failed = *exit != 0
		}
		if text := piece(w.Content); text != "" {
			ev.Summary += ": " + text
		}
	case "error":
		ev.Summary, ev.Failed = "! error: "+piece(w.Content), true
	case "agent_state_changed":
		d.agentState = piece(w.Extras.AgentState)
		ev.Summary, ev.Quiet = "state: "+d.agentState, true
		ev.Failed = d.agentState == "error"
	case "user_rejected":
		ev.Summary = "✗ rejected: " + piece(w.Content)
	case "null", "recall", "condense":
		ev.Summary, ev.Quiet = piece(w.Observation), true
	case "edit", "read", "write":
		ev.Summary = "← " + w.Observation + ": " + piece(w.Extras.Path)
	default:
		ev.Summary = "← " + piece(w.Observation) + ": " + piece(w.Content)
	}
}
